-- Legal invoices (issue 16): a gapless number per series, the seller and buyer as they were at issue,
-- the VAT rule applied, credit notes, holds for review, and mail attachments for the PDF.
--
-- Invoices are tax records kept for retention.taxYears (10 in Slovenia): the buyer snapshot is kept
-- through erasure (GDPR art. 17(3)(b), a legal obligation); erasure still pseudonymises the account.

ALTER TABLE invoices
  ADD COLUMN number   text UNIQUE CHECK (number IS NULL OR length(number) BETWEEN 1 AND 64),
  ADD COLUMN series   text CHECK (series IS NULL OR length(series) BETWEEN 0 AND 32),
  ADD COLUMN vat_rule text CHECK (vat_rule IS NULL OR vat_rule IN ('domestic', 'eu_reverse_charge', 'eu_consumer', 'non_eu')),
  ADD COLUMN vat_note text CHECK (vat_note IS NULL OR length(vat_note) <= 500),
  ADD COLUMN seller   jsonb,
  ADD COLUMN buyer    jsonb;

-- One counter per series ("2026-", "CN-2026-"). Taken with UPDATE ... RETURNING in the issuing
-- transaction: the row lock serialises issuers, and a rollback returns the number, so there is no gap.
CREATE TABLE invoice_series (
  series text PRIMARY KEY CHECK (length(series) <= 32),
  next   bigint NOT NULL DEFAULT 1 CHECK (next >= 1)
);

-- Accounts whose invoices wait for an operator's review: the schedule skips them.
CREATE TABLE invoice_holds (
  account_id text PRIMARY KEY CHECK (length(account_id) BETWEEN 1 AND 64),
  reason     text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
  held_by    text NOT NULL CHECK (length(held_by) BETWEEN 1 AND 200),
  held_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE credit_notes (
  id             text PRIMARY KEY CHECK (id ~ '^cn_[a-z0-9]{16}$'),
  number         text NOT NULL UNIQUE CHECK (length(number) BETWEEN 1 AND 64),
  series         text NOT NULL,
  invoice_id     text NOT NULL REFERENCES invoices (id),
  account_id     text NOT NULL CHECK (length(account_id) BETWEEN 1 AND 64),
  -- Tax included; split at the invoice's rate like the invoice itself.
  amount_cents   bigint NOT NULL CHECK (amount_cents > 0),
  subtotal_cents bigint NOT NULL CHECK (subtotal_cents >= 0),
  tax_cents      bigint NOT NULL CHECK (tax_cents >= 0),
  reason         text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
  created_at     timestamptz NOT NULL,
  created_by     text NOT NULL CHECK (length(created_by) BETWEEN 1 AND 200),
  -- For the payments side: whether the credited amount went back to the customer.
  refund_state   text CHECK (refund_state IS NULL OR refund_state IN ('pending', 'refunded', 'not_paid')),
  CHECK (amount_cents = subtotal_cents + tax_cents)
);

CREATE INDEX credit_notes_invoice_idx ON credit_notes (invoice_id);

-- Billing retention (the leader, audited) sets entrim.billing_retention = 'on' in its transaction:
-- the only way an issued invoice or a credit note is ever deleted.
CREATE OR REPLACE FUNCTION entrim_invoices_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' AND coalesce(current_setting('entrim.billing_retention', true), '') <> 'on' THEN
      RAISE EXCEPTION 'invoice % is %, not a draft: it cannot be deleted', OLD.id, OLD.status
        USING ERRCODE = '55000';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status <> 'draft' AND (
       NEW.status = 'draft' OR NEW.account_id <> OLD.account_id OR NEW.period <> OLD.period
       OR NEW.tax_rate <> OLD.tax_rate OR NEW.cost_pico_eur <> OLD.cost_pico_eur
       OR NEW.subtotal_cents <> OLD.subtotal_cents OR NEW.tax_cents <> OLD.tax_cents
       OR NEW.total_cents <> OLD.total_cents OR NEW.issued_at IS DISTINCT FROM OLD.issued_at
       OR NEW.due_at IS DISTINCT FROM OLD.due_at OR NEW.number IS DISTINCT FROM OLD.number
       OR NEW.series IS DISTINCT FROM OLD.series OR NEW.vat_rule IS DISTINCT FROM OLD.vat_rule
       OR NEW.vat_note IS DISTINCT FROM OLD.vat_note OR NEW.seller IS DISTINCT FROM OLD.seller
       OR NEW.buyer IS DISTINCT FROM OLD.buyer) THEN
    RAISE EXCEPTION 'invoice % is %: its amounts, dates, number and parties cannot change', OLD.id, OLD.status
      USING ERRCODE = '55000';
  END IF;
  RETURN NEW;
END
$$;

-- The lines' guard lets retention delete an issued invoice's lines (the cascade) and nothing else.
CREATE OR REPLACE FUNCTION entrim_invoice_lines_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parent_status text;
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(current_setting('entrim.billing_retention', true), '') = 'on' THEN
    RETURN OLD;
  END IF;
  SELECT status INTO parent_status FROM invoices
   WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END;
  IF parent_status IS NOT NULL AND parent_status <> 'draft' THEN
    RAISE EXCEPTION 'invoice is %: its lines cannot change', parent_status USING ERRCODE = '55000';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END
$$;

-- A credit note is never edited; only its refund state moves on, and only retention deletes it.
CREATE FUNCTION entrim_credit_notes_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF coalesce(current_setting('entrim.billing_retention', true), '') <> 'on' THEN
      RAISE EXCEPTION 'credit note % cannot be deleted', OLD.number USING ERRCODE = '55000';
    END IF;
    RETURN OLD;
  END IF;
  IF (to_jsonb(NEW) - 'refund_state') IS DISTINCT FROM (to_jsonb(OLD) - 'refund_state') THEN
    RAISE EXCEPTION 'credit note % cannot change (only its refund state)', OLD.number USING ERRCODE = '55000';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER credit_notes_guard BEFORE UPDATE OR DELETE ON credit_notes
  FOR EACH ROW EXECUTE FUNCTION entrim_credit_notes_guard();

-- The invoice PDF travels with its email: [{filename, contentType, content (base64)}]; deleted with the
-- queue row at send, like the bodies.
ALTER TABLE mail_queue ADD COLUMN attachments jsonb
  CHECK (attachments IS NULL OR jsonb_typeof(attachments) = 'array');
