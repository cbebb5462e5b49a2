-- The audit log: one row per state-changing call (gRPC or CLI), hash-chained in seq order so that an
-- edited, removed or reordered row shows when the chain is verified. Rows are written by appendAudit
-- only, under one advisory lock, so every agent of the cluster extends the same linear chain.

CREATE TABLE audit_log (
  -- Assigned by the appender under the lock (not a sequence): a sequence can skip numbers on a
  -- rolled-back transaction, and a gap must mean a deleted row.
  seq       bigint PRIMARY KEY CHECK (seq >= 1),
  at        timestamptz NOT NULL,
  operator  text NOT NULL CHECK (length(operator) BETWEEN 1 AND 200),
  role      text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  source    text NOT NULL CHECK (source IN ('grpc', 'cli')),
  action    text NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
  target    text NOT NULL DEFAULT '' CHECK (length(target) <= 500),
  reason    text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
  result    text NOT NULL CHECK (length(result) BETWEEN 1 AND 1000),
  node      text NOT NULL CHECK (length(node) BETWEEN 1 AND 200),
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash      text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
);

CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_operator_idx ON audit_log (operator, seq);

-- What pruning leaves behind: entries up to pruned_through were deleted, the last of them had
-- last_hash. Signed with a key derived from the cluster's secret, so a checkpoint that moves the start
-- of the chain forward (hiding deleted entries) cannot be made without it. Never updated or deleted;
-- verification starts from the one with the highest pruned_through.
CREATE TABLE audit_checkpoints (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pruned_through bigint NOT NULL CHECK (pruned_through >= 1),
  last_hash      text NOT NULL CHECK (last_hash ~ '^[0-9a-f]{64}$'),
  created_at     timestamptz NOT NULL,
  node           text NOT NULL CHECK (length(node) BETWEEN 1 AND 200),
  signature      text NOT NULL CHECK (signature ~ '^[0-9a-f]{64}$')
);

CREATE INDEX audit_checkpoints_through_idx ON audit_checkpoints (pruned_through);

-- Append-only, against mistakes rather than attackers: UPDATE is always refused, DELETE only while
-- the pruning transaction has set entrim.audit_pruning. Anyone who can SET that, disable the trigger or
-- use session_replication_role = replica (the table owner, a superuser) can still change rows;
-- verification is what detects that.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_log'
     AND current_setting('entrim.audit_pruning', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused (entries leave only by pruning)', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
