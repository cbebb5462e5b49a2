-- Data-subject requests (GDPR access, erasure, restriction) and who handled them. Rows hold the account
-- id, the operator and counts, never the person's data: they must outlive an erasure as its evidence.

CREATE TABLE data_subject_actions (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- No foreign key: the record must survive whatever later happens to the account row.
  account_id   text NOT NULL CHECK (length(account_id) BETWEEN 1 AND 64),
  action       text NOT NULL CHECK (action IN ('export', 'erase', 'restrict', 'unrestrict')),
  performed_at timestamptz NOT NULL DEFAULT now(),
  performed_by text NOT NULL CHECK (length(performed_by) BETWEEN 1 AND 200),
  -- Why (a ticket number, "customer request by email"): operators must not write the person's data here.
  reason       text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
  -- Per table, how many rows the action read or changed.
  counts       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(counts) = 'object')
);

CREATE INDEX data_subject_actions_account_idx ON data_subject_actions (account_id, performed_at);
-- An account is erased at most once; a second attempt is answered from this row.
CREATE UNIQUE INDEX data_subject_actions_one_erasure ON data_subject_actions (account_id)
  WHERE action = 'erase';
