-- Security events and the abuse queue. Events are metadata only (who, where, which error code, counts);
-- nothing a customer sent is ever stored here. Retention is by day: see store/partitions.ts.

CREATE TABLE security_events (
  id          bigint GENERATED ALWAYS AS IDENTITY,
  occurred_at timestamptz NOT NULL,
  node        text NOT NULL CHECK (length(node) BETWEEN 1 AND 63),
  kind        text NOT NULL CHECK (kind IN (
                'auth_failure', 'revoked_key', 'suspended_access', 'rate_limited', 'malformed_request',
                'oversized_request', 'usage_spike', 'ip_blocked', 'ip_unblocked', 'abuse_flagged')),
  ip          inet,
  -- No foreign keys: an event about an unknown or deleted account must still be recorded.
  account_id  text CHECK (account_id IS NULL OR length(account_id) <= 64),
  key_id      text CHECK (key_id IS NULL OR length(key_id) <= 64),
  -- The OpenAI error code the request was answered with (an identifier, never free text).
  code        text CHECK (code IS NULL OR code ~ '^[a-z0-9_]{1,64}$'),
  -- Counts, thresholds, statuses and route templates only.
  detail      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detail) = 'object'),
  -- A partitioned table's keys must contain the partition column.
  PRIMARY KEY (occurred_at, id)
) PARTITION BY RANGE (occurred_at);

-- Catches events for a day whose partition does not exist yet (clock skew, a late leader): they are
-- never lost, and partition maintenance moves them into their day's partition.
CREATE TABLE security_events_default PARTITION OF security_events DEFAULT;

CREATE INDEX security_events_account_idx ON security_events (account_id, occurred_at)
  WHERE account_id IS NOT NULL;
CREATE INDEX security_events_key_idx ON security_events (key_id, occurred_at) WHERE key_id IS NOT NULL;
-- btree on inet serves `ip <<= cidr` as a range scan.
CREATE INDEX security_events_ip_idx ON security_events (ip, occurred_at) WHERE ip IS NOT NULL;
CREATE INDEX security_events_kind_idx ON security_events (kind, occurred_at);

-- The abuse queue: suspects flagged by the detection rules, for an operator to look at.
CREATE TABLE abuse_flags (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subject_type  text NOT NULL CHECK (subject_type IN ('account', 'key', 'ip')),
  subject       text NOT NULL CHECK (length(subject) BETWEEN 1 AND 64),
  rule          text NOT NULL CHECK (rule ~ '^[a-z0-9_]{1,64}$'),
  first_seen    timestamptz NOT NULL,
  last_seen     timestamptz NOT NULL,
  -- How many times the rule tripped for this subject while the flag was open.
  count         integer NOT NULL CHECK (count >= 1),
  -- Counts, thresholds and a short timeline of trips; never request content.
  evidence      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(evidence) = 'object'),
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  resolved_by   text CHECK (resolved_by IS NULL OR length(resolved_by) BETWEEN 1 AND 200),
  resolved_at   timestamptz,
  resolved_note text CHECK (resolved_note IS NULL OR length(resolved_note) <= 2000),
  CHECK (last_seen >= first_seen),
  CHECK ((status = 'resolved') = (resolved_at IS NOT NULL AND resolved_by IS NOT NULL))
);

-- One open flag per subject and rule: repeat trips count up on it instead of flooding the queue.
CREATE UNIQUE INDEX abuse_flags_open_key ON abuse_flags (subject_type, subject, rule) WHERE status = 'open';
CREATE INDEX abuse_flags_last_seen_idx ON abuse_flags (last_seen DESC);
