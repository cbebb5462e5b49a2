-- VIES checks of buyers' VAT IDs (issue 16): the last check per account, the evidence a seller keeps
-- for a zero-rated (reverse-charge) supply. `vat_id_checked` is the VAT ID that was checked: when the
-- customer changes vat_id the check no longer applies. No name or address from VIES is kept.
ALTER TABLE accounts
  ADD COLUMN vat_id_checked text,
  ADD COLUMN vat_id_checked_at timestamptz,
  ADD COLUMN vat_id_status text CHECK (vat_id_status IN ('valid', 'invalid', 'unknown')),
  ADD COLUMN vat_id_check_ref text CHECK (length(vat_id_check_ref) <= 100);
