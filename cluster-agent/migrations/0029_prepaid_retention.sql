-- A prepaid balance is the ledger minus the usage events since the account became prepaid, and usage
-- events are deleted after retention.usageDays: without this, a balance grew back by every expired
-- day's spend. Before retention deletes events, their prepaid spend is carried into the ledger as a
-- 'usage' entry, and the account remembers up to when (the balance subtracts events only from there).
ALTER TABLE credit_ledger DROP CONSTRAINT credit_ledger_kind_check;
ALTER TABLE credit_ledger ADD CONSTRAINT credit_ledger_kind_check
  CHECK (kind IN ('top_up', 'adjustment', 'refund', 'usage'));

ALTER TABLE accounts ADD COLUMN prepaid_carried_through timestamptz;
