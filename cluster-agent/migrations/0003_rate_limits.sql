-- Rate limits per account (the account's total, and the default for each of its keys) and per key
-- (overrides; NULL inherits). Agents cache them in memory, fed by NOTIFY on entrim_limits, and split
-- each limit between the serving nodes, which they learn from the registry and entrim_nodes.

CREATE TABLE rate_limits (
  account_id    text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- NULL: the account's own row. Keys are never deleted (RESTRICT on accounts), so neither are these.
  key_id        text REFERENCES api_keys (id) ON DELETE CASCADE,
  rpm           integer CHECK (rpm >= 1),
  tpm           bigint CHECK (tpm >= 1),
  concurrency   integer CHECK (concurrency >= 1),
  spend_cap_eur numeric(14, 2) CHECK (spend_cap_eur >= 0),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  updated_by    text NOT NULL CHECK (length(updated_by) BETWEEN 1 AND 200)
);

CREATE UNIQUE INDEX rate_limits_account_key ON rate_limits (account_id) WHERE key_id IS NULL;
CREATE UNIQUE INDEX rate_limits_key_key ON rate_limits (key_id) WHERE key_id IS NOT NULL;

-- A key's override must name a key of that account: the account is what its usage adds up to.
CREATE FUNCTION entrim_check_rate_limit_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.key_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM api_keys WHERE id = NEW.key_id AND account_id = NEW.account_id
  ) THEN
    RAISE EXCEPTION 'key % does not belong to account %', NEW.key_id, NEW.account_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER rate_limits_check_key BEFORE INSERT OR UPDATE ON rate_limits
  FOR EACH ROW EXECUTE FUNCTION entrim_check_rate_limit_key();

-- The payload carries the whole row (numbers and ids only), so agents apply a change without a query.
CREATE FUNCTION entrim_notify_rate_limits() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r rate_limits;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  PERFORM pg_notify('entrim_limits', json_build_object(
    'op', lower(TG_OP),
    'accountId', r.account_id,
    'keyId', r.key_id,
    'rpm', r.rpm,
    'tpm', r.tpm,
    'concurrency', r.concurrency,
    'spendCapEur', r.spend_cap_eur
  )::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER rate_limits_notify AFTER INSERT OR UPDATE OR DELETE ON rate_limits
  FOR EACH ROW EXECUTE FUNCTION entrim_notify_rate_limits();

-- Membership changes move every node's share of a limit; heartbeats alone do not notify.
CREATE FUNCTION entrim_notify_node() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n nodes;
BEGIN
  IF TG_OP = 'DELETE' THEN n := OLD; ELSE n := NEW; END IF;
  PERFORM pg_notify('entrim_nodes', json_build_object('name', n.name, 'state', n.state)::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER nodes_notify_insert_delete AFTER INSERT OR DELETE ON nodes
  FOR EACH ROW EXECUTE FUNCTION entrim_notify_node();

CREATE TRIGGER nodes_notify_state AFTER UPDATE ON nodes
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.started_at IS DISTINCT FROM NEW.started_at)
  EXECUTE FUNCTION entrim_notify_node();
