-- Suspensions and warnings of accounts, keys and IP networks. Rows are history: lifting one sets
-- lifted_* and never deletes it, so "who did what and why" stays answerable.

CREATE TABLE suspensions (
  id          text PRIMARY KEY CHECK (id ~ '^susp_[a-z0-9]{16,40}$'),
  target_type text NOT NULL CHECK (target_type IN ('account', 'key', 'ip')),
  -- Exactly one target column is set, the one target_type names; foreign keys keep them real.
  account_id  text REFERENCES accounts (id) ON DELETE RESTRICT,
  key_id      text REFERENCES api_keys (id) ON DELETE RESTRICT,
  network     cidr,
  state       text NOT NULL CHECK (state IN ('warned', 'suspended')),
  reason      text NOT NULL
              CHECK (reason IN ('abuse', 'non_payment', 'security', 'legal', 'customer_request')),
  note        text CHECK (note IS NULL OR length(note) <= 1000),
  expires_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL CHECK (length(created_by) BETWEEN 1 AND 200),
  lifted_at   timestamptz,
  lifted_by   text CHECK (lifted_by IS NULL OR length(lifted_by) BETWEEN 1 AND 200),
  lift_reason text CHECK (lift_reason IS NULL OR length(lift_reason) <= 1000),
  CHECK (
    (target_type = 'account' AND account_id IS NOT NULL AND key_id IS NULL AND network IS NULL) OR
    (target_type = 'key' AND key_id IS NOT NULL AND account_id IS NULL AND network IS NULL) OR
    (target_type = 'ip' AND network IS NOT NULL AND account_id IS NULL AND key_id IS NULL)
  ),
  CHECK (expires_at IS NULL OR expires_at > created_at),
  CHECK ((lifted_at IS NULL) = (lifted_by IS NULL))
);

-- At most one unlifted row per target: a new one supersedes (lifts) the previous one.
CREATE UNIQUE INDEX suspensions_one_open_per_target
  ON suspensions (target_type, (coalesce(account_id, key_id, network::text)))
  WHERE lifted_at IS NULL;
CREATE INDEX suspensions_account_idx ON suspensions (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX suspensions_key_idx ON suspensions (key_id) WHERE key_id IS NOT NULL;
CREATE INDEX suspensions_open_idx ON suspensions (created_at) WHERE lifted_at IS NULL;

-- Change feed for the agents' suspension caches: the row's id, target, state, reason category and
-- expiry, enough to enforce it from the payload alone. Never the operator's note.
CREATE FUNCTION entrim_notify_suspension() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('entrim_suspensions', json_build_object(
    'id', NEW.id,
    'targetType', NEW.target_type,
    'target', coalesce(NEW.account_id, NEW.key_id, NEW.network::text),
    'state', NEW.state,
    'reason', NEW.reason,
    'expiresAt', (extract(epoch FROM NEW.expires_at) * 1000)::bigint,
    'lifted', NEW.lifted_at IS NOT NULL
  )::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER suspensions_notify_insert AFTER INSERT ON suspensions
  FOR EACH ROW EXECUTE FUNCTION entrim_notify_suspension();

CREATE TRIGGER suspensions_notify_update AFTER UPDATE ON suspensions
  FOR EACH ROW
  WHEN (OLD.lifted_at IS DISTINCT FROM NEW.lifted_at
        OR OLD.state IS DISTINCT FROM NEW.state
        OR OLD.expires_at IS DISTINCT FROM NEW.expires_at)
  EXECUTE FUNCTION entrim_notify_suspension();
