-- Usage delivered late (issue 16: billing never loses): a node's spool may ship a month's events after
-- that month's invoices were issued. Each invoice line now says which month's usage it bills, so such
-- usage goes onto the account's next invoice as its own line, and what every invoice has billed for a
-- month can be subtracted from that month's usage: billed once, never twice.
ALTER TABLE invoice_lines ADD COLUMN usage_period date;

-- Every existing line bills its own invoice's month. Issued invoices' lines are guarded against
-- change; this backfill is the one change that keeps what they say.
ALTER TABLE invoice_lines DISABLE TRIGGER invoice_lines_guard;
UPDATE invoice_lines l SET usage_period = i.period FROM invoices i WHERE i.id = l.invoice_id;
ALTER TABLE invoice_lines ENABLE TRIGGER invoice_lines_guard;

ALTER TABLE invoice_lines
  ALTER COLUMN usage_period SET NOT NULL,
  ADD CONSTRAINT invoice_lines_usage_period_month CHECK (usage_period = date_trunc('month', usage_period)::date),
  DROP CONSTRAINT invoice_lines_pkey,
  ADD PRIMARY KEY (invoice_id, usage_period, model);

-- What has been billed for an account's month, summed across its invoices.
CREATE INDEX invoice_lines_usage_period_idx ON invoice_lines (usage_period);
