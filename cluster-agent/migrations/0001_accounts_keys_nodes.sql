-- Accounts, their API keys and the node registry: what admission and the node registry need first.

CREATE FUNCTION entrim_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

CREATE TABLE accounts (
  id         text PRIMARY KEY CHECK (id ~ '^acct_[a-z0-9]{16,40}$'),
  name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  email      text NOT NULL CHECK (length(email) <= 320 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  company    text CHECK (company IS NULL OR length(btrim(company)) BETWEEN 1 AND 200),
  status     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'restricted', 'closed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One open account per address; a closed account's address may sign up again.
CREATE UNIQUE INDEX accounts_email_open_key ON accounts (lower(email)) WHERE status <> 'closed';

CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts
  FOR EACH ROW EXECUTE FUNCTION entrim_touch_updated_at();

CREATE TABLE api_keys (
  id           text PRIMARY KEY CHECK (id ~ '^[a-z2-7]{12}$'),
  -- RESTRICT: keys are evidence for billing and security records; accounts are closed, not deleted.
  account_id   text NOT NULL REFERENCES accounts (id) ON DELETE RESTRICT,
  name         text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  hmac         bytea NOT NULL CHECK (length(hmac) = 32),
  created_at   timestamptz NOT NULL DEFAULT now(),
  created_by   text NOT NULL CHECK (length(created_by) BETWEEN 1 AND 200),
  last_used_at timestamptz,
  revoked_at   timestamptz,
  CHECK (revoked_at IS NULL OR revoked_at >= created_at)
);

CREATE INDEX api_keys_account_idx ON api_keys (account_id);

CREATE TABLE nodes (
  name         text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
  region       text NOT NULL CHECK (length(region) BETWEEN 1 AND 64),
  addresses    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(addresses) = 'array'),
  version      text NOT NULL,
  models       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(models) = 'array'),
  state        text NOT NULL DEFAULT 'starting'
               CHECK (state IN ('starting', 'ready', 'draining', 'drained', 'stopping', 'stopped')),
  started_at   timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);

-- Change feed for the agents' key caches. Payloads carry ids and the new state, never secrets or
-- HMACs, so a revocation or account restriction takes effect without a round trip to the database.
CREATE FUNCTION entrim_notify_api_key() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k api_keys;
BEGIN
  IF TG_OP = 'DELETE' THEN k := OLD; ELSE k := NEW; END IF;
  PERFORM pg_notify('entrim_keys', json_build_object(
    'kind', 'key',
    'id', k.id,
    'accountId', k.account_id,
    'op', lower(TG_OP),
    'revoked', TG_OP = 'DELETE' OR k.revoked_at IS NOT NULL
  )::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_notify_insert_delete AFTER INSERT OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION entrim_notify_api_key();

-- last_used_at is written in batches by every agent; only changes that matter to admission notify.
CREATE TRIGGER api_keys_notify_update AFTER UPDATE ON api_keys
  FOR EACH ROW
  WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
        OR OLD.hmac IS DISTINCT FROM NEW.hmac
        OR OLD.account_id IS DISTINCT FROM NEW.account_id)
  EXECUTE FUNCTION entrim_notify_api_key();

CREATE FUNCTION entrim_notify_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('entrim_keys', json_build_object(
    'kind', 'account',
    'id', NEW.id,
    'status', NEW.status
  )::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER accounts_notify_status AFTER UPDATE OF status ON accounts
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION entrim_notify_account();
