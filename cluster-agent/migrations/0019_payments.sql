-- Payments (issue 16): card payments of invoices and prepaid top-ups through Stripe Checkout, the
-- Stripe events already applied (a replayed webhook changes nothing), and prepaid credit.

CREATE TABLE payments (
  id                      text PRIMARY KEY CHECK (id ~ '^pay_[a-z0-9]{16,40}$'),
  invoice_id              text CHECK (invoice_id IS NULL OR length(invoice_id) <= 200),
  account_id              text NOT NULL CHECK (length(account_id) BETWEEN 1 AND 64),
  kind                    text NOT NULL CHECK (kind IN ('invoice', 'top_up')),
  amount_cents            bigint NOT NULL CHECK (amount_cents > 0),
  currency                text NOT NULL DEFAULT 'eur' CHECK (currency = 'eur'),
  stripe_checkout_session text UNIQUE,
  stripe_payment_intent   text,
  status                  text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'refunded', 'expired')),
  refunded_cents          bigint NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0 AND refunded_cents <= amount_cents),
  created_at              timestamptz NOT NULL DEFAULT now(),
  paid_at                 timestamptz,
  CHECK ((kind = 'invoice') = (invoice_id IS NOT NULL))
);
CREATE INDEX payments_invoice ON payments (invoice_id) WHERE invoice_id IS NOT NULL;
CREATE INDEX payments_intent ON payments (stripe_payment_intent) WHERE stripe_payment_intent IS NOT NULL;

-- Inserted in the same transaction as the event's effect: a replay hits the primary key.
CREATE TABLE stripe_events (
  id          text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 255),
  type        text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE accounts
  ADD COLUMN billing_mode text NOT NULL DEFAULT 'postpaid' CHECK (billing_mode IN ('postpaid', 'prepaid')),
  -- Usage from this instant on draws the credit down (NULL while postpaid).
  ADD COLUMN prepaid_since timestamptz,
  ADD CHECK ((billing_mode = 'prepaid') = (prepaid_since IS NOT NULL));

-- The prepaid credit: the balance is the ledger's sum minus the account's usage since prepaid_since,
-- in pico-euros (exact integers, like usage_events.cost_pico_eur).
CREATE TABLE credit_ledger (
  id              bigserial PRIMARY KEY,
  account_id      text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  kind            text NOT NULL CHECK (kind IN ('top_up', 'adjustment', 'refund')),
  amount_pico_eur numeric(38, 0) NOT NULL CHECK (amount_pico_eur <> 0),
  payment_id      text REFERENCES payments (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  created_by      text NOT NULL CHECK (length(created_by) BETWEEN 1 AND 200)
);
CREATE INDEX credit_ledger_account ON credit_ledger (account_id);
