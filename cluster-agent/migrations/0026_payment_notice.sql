-- "Payment received" for every paid invoice (issue 16), not only for those that went overdue: the
-- dunning pass sends it once, recorded here. Invoices paid before this migration were never told and
-- are not told now (no flood of thank-you mails on upgrade).
ALTER TABLE dunning_states ADD COLUMN paid_notified_at timestamptz;

UPDATE dunning_states d SET paid_notified_at = now()
  FROM invoices i WHERE i.id = d.invoice_id AND i.status = 'paid';

INSERT INTO dunning_states (invoice_id, account_id, paid_notified_at)
  SELECT id, account_id, now() FROM invoices WHERE status = 'paid'
  ON CONFLICT (invoice_id) DO NOTHING;
