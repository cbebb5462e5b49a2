-- Billing: price versions, daily roll-ups of usage_events, postpaid monthly invoices.
-- Money is integers only: prices in micro-euros per million tokens, costs in pico-euros, invoice
-- amounts in cents. Invoices hold the account id and amounts, never a name, email or address: erasure
-- pseudonymises the account row, and the invoices must stay intact yet unlinkable to the person.

-- A price version is never edited or deleted: usage events name the version they were billed with.
CREATE TABLE price_versions (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model                   text NOT NULL CHECK (length(model) BETWEEN 1 AND 128),
  input_micro_eur_per_m   bigint NOT NULL CHECK (input_micro_eur_per_m >= 0),
  cached_micro_eur_per_m  bigint NOT NULL CHECK (cached_micro_eur_per_m >= 0),
  output_micro_eur_per_m  bigint NOT NULL CHECK (output_micro_eur_per_m >= 0),
  effective_from          timestamptz NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now(),
  created_by              text NOT NULL CHECK (length(created_by) BETWEEN 1 AND 200),
  UNIQUE (model, effective_from)
);

CREATE FUNCTION entrim_price_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'price versions are immutable; add a new version instead' USING ERRCODE = '55000';
END
$$;

CREATE TRIGGER price_versions_immutable BEFORE UPDATE OR DELETE ON price_versions
  FOR EACH ROW EXECUTE FUNCTION entrim_price_versions_immutable();

-- Agents price every request from memory; the payload carries the whole version (bigints as text).
CREATE FUNCTION entrim_notify_prices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('entrim_prices', json_build_object(
    'version', NEW.id::text,
    'model', NEW.model,
    'input', NEW.input_micro_eur_per_m::text,
    'cached', NEW.cached_micro_eur_per_m::text,
    'output', NEW.output_micro_eur_per_m::text,
    'effectiveFrom', (extract(epoch FROM NEW.effective_from) * 1000)::bigint::text
  )::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER price_versions_notify AFTER INSERT ON price_versions
  FOR EACH ROW EXECUTE FUNCTION entrim_notify_prices();

-- One row per UTC day, account, key, model and price version (0: events without a price). Sums are
-- numeric: a month of pico-euros can outgrow bigint for a large account.
CREATE TABLE usage_daily (
  day               date NOT NULL,
  account_id        text NOT NULL,
  key_id            text NOT NULL,
  model             text NOT NULL,
  price_version     bigint NOT NULL DEFAULT 0,
  requests          bigint NOT NULL CHECK (requests >= 0),
  prompt_tokens     bigint NOT NULL CHECK (prompt_tokens >= 0),
  cached_tokens     bigint NOT NULL CHECK (cached_tokens >= 0),
  completion_tokens bigint NOT NULL CHECK (completion_tokens >= 0),
  cost_pico_eur     numeric(38, 0) NOT NULL CHECK (cost_pico_eur >= 0),
  rolled_up_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day, account_id, key_id, model, price_version)
);

CREATE INDEX usage_daily_account_idx ON usage_daily (account_id, day);

CREATE TABLE invoices (
  -- inv_YYYYMM_<account id without its acct_ prefix>: one invoice per account and month.
  id               text PRIMARY KEY CHECK (id ~ '^inv_[0-9]{6}_.+$'),
  -- No foreign key, like usage_events: an invoice outlives whatever happens to the account row.
  account_id       text NOT NULL CHECK (length(account_id) BETWEEN 1 AND 64),
  -- The first day of the billed month (UTC).
  period           date NOT NULL CHECK (extract(day FROM period) = 1),
  status           text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued', 'paid', 'disputed')),
  currency         text NOT NULL DEFAULT 'EUR' CHECK (currency = 'EUR'),
  tax_rate         numeric(6, 4) NOT NULL CHECK (tax_rate >= 0 AND tax_rate <= 1),
  -- The exact sum of the month's usage costs, kept to show what the cents were rounded from.
  cost_pico_eur    numeric(38, 0) NOT NULL CHECK (cost_pico_eur >= 0),
  subtotal_cents   bigint NOT NULL CHECK (subtotal_cents >= 0),
  tax_cents        bigint NOT NULL CHECK (tax_cents >= 0),
  total_cents      bigint NOT NULL CHECK (total_cents = subtotal_cents + tax_cents),
  generated_at     timestamptz NOT NULL,
  generated_by     text NOT NULL CHECK (length(generated_by) BETWEEN 1 AND 200),
  -- The invoice date: the dispute window and the payment terms start here.
  issued_at        timestamptz,
  issued_by        text,
  due_at           timestamptz,
  paid_at          timestamptz,
  paid_by          text,
  disputed_at      timestamptz,
  disputed_by      text,
  dispute_reason   text CHECK (dispute_reason IS NULL OR length(dispute_reason) BETWEEN 1 AND 2000),
  UNIQUE (account_id, period),
  CHECK (status = 'draft' OR (issued_at IS NOT NULL AND due_at IS NOT NULL)),
  CHECK (status <> 'disputed' OR disputed_at IS NOT NULL)
);

CREATE INDEX invoices_period_idx ON invoices (period, status);

CREATE TABLE invoice_lines (
  invoice_id        text NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
  model             text NOT NULL,
  requests          bigint NOT NULL,
  prompt_tokens     bigint NOT NULL,
  cached_tokens     bigint NOT NULL,
  completion_tokens bigint NOT NULL,
  cost_pico_eur     numeric(38, 0) NOT NULL,
  -- picoEurToCents(cost_pico_eur): the one rounding step.
  amount_cents      bigint NOT NULL,
  PRIMARY KEY (invoice_id, model)
);

-- Once issued, an invoice's amounts, lines and identity never change; only its status moves on.
CREATE FUNCTION entrim_invoices_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
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
       OR NEW.due_at IS DISTINCT FROM OLD.due_at) THEN
    RAISE EXCEPTION 'invoice % is %: its amounts and dates cannot change', OLD.id, OLD.status
      USING ERRCODE = '55000';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER invoices_guard BEFORE UPDATE OR DELETE ON invoices
  FOR EACH ROW EXECUTE FUNCTION entrim_invoices_guard();

CREATE FUNCTION entrim_invoice_lines_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parent_status text;
BEGIN
  SELECT status INTO parent_status FROM invoices
   WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END;
  IF parent_status IS NOT NULL AND parent_status <> 'draft' THEN
    RAISE EXCEPTION 'invoice is %: its lines cannot change', parent_status USING ERRCODE = '55000';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER invoice_lines_guard BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines
  FOR EACH ROW EXECUTE FUNCTION entrim_invoice_lines_guard();
