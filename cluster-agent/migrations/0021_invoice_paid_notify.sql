-- Wakes the dunning job when an invoice is paid (by the Stripe webhook, the CLI or the console), so a
-- non-payment suspension is lifted at once instead of at the next pass. Payload-free: a hint only, the
-- job re-reads the invoices (NOTIFY is not authenticated).
CREATE FUNCTION entrim_notify_invoice_paid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('entrim_invoice_paid', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER invoices_notify_paid AFTER UPDATE OF status ON invoices
  FOR EACH ROW WHEN (NEW.status = 'paid' AND OLD.status IS DISTINCT FROM 'paid')
  EXECUTE FUNCTION entrim_notify_invoice_paid();
