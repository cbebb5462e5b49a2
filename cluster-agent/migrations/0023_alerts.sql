-- Alerting in the cluster (issue 17): the leader agent evaluates the rules and keeps the alerts here,
-- so every console shows the same alerts, acknowledgements and silences, and the pager is fed whether
-- or not a console is open. Alerts carry words about nodes, GPUs and requests' metadata only: no
-- prompts, outputs, keys or customer data.

CREATE TABLE alerts (
  id               text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  rule             text NOT NULL CHECK (rule ~ '^[a-z][a-z0-9-]{0,63}$'),
  -- rule + node + GPU/subject: stable while the condition holds, so one condition is one alert.
  fingerprint      text NOT NULL CHECK (length(fingerprint) BETWEEN 1 AND 300),
  severity         text NOT NULL CHECK (severity IN ('critical', 'warning')),
  node             text NOT NULL DEFAULT '' CHECK (length(node) <= 200),
  subject          text NOT NULL DEFAULT '' CHECK (length(subject) <= 200),
  summary          text NOT NULL CHECK (length(summary) BETWEEN 1 AND 1000),
  labels           jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(labels) = 'object'),
  state            text NOT NULL DEFAULT 'firing' CHECK (state IN ('firing', 'resolved')),
  first_fired_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at     timestamptz NOT NULL DEFAULT now(),
  resolved_at      timestamptz,
  acknowledged_by  text CHECK (length(acknowledged_by) <= 200),
  acknowledged_at  timestamptz,
  acknowledge_note text CHECK (length(acknowledge_note) <= 2000),
  silenced_until   timestamptz,
  silenced_by      text CHECK (length(silenced_by) <= 200),
  silence_note     text CHECK (length(silence_note) <= 2000),
  last_notified_at timestamptz,
  notify_count     integer NOT NULL DEFAULT 0 CHECK (notify_count >= 0),
  -- The resolution has been sent to the receivers (once).
  resolve_notified boolean NOT NULL DEFAULT false,
  CHECK ((state = 'resolved') = (resolved_at IS NOT NULL))
);

-- One open alert per condition; a resolved fingerprint that comes back is a new alert.
CREATE UNIQUE INDEX alerts_open_fingerprint ON alerts (fingerprint) WHERE state = 'firing';
CREATE INDEX alerts_resolved_at ON alerts (resolved_at) WHERE state = 'resolved';
CREATE INDEX alerts_node ON alerts (node, first_fired_at);

-- The alert's own timeline: transitions, operators' actions, notifications.
CREATE TABLE alert_events (
  id       bigserial PRIMARY KEY,
  alert_id text NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  at       timestamptz NOT NULL DEFAULT now(),
  kind     text NOT NULL CHECK (kind IN (
             'fired', 'acknowledged', 'silenced', 'unsilenced', 'resolved', 'notified', 'refired')),
  actor    text NOT NULL DEFAULT '' CHECK (length(actor) <= 200),
  note     text NOT NULL DEFAULT '' CHECK (length(note) <= 2000)
);
CREATE INDEX alert_events_alert ON alert_events (alert_id, at, id);

-- Wakes WatchAlerts streams on every agent. Statement-level and payload-free: a hint only (NOTIFY is
-- not authenticated), watchers re-read the table; one evaluation pass touching many rows is one NOTIFY.
CREATE FUNCTION entrim_notify_alerts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('entrim_alerts', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER alerts_notify AFTER INSERT OR UPDATE OR DELETE ON alerts
  FOR EACH STATEMENT EXECUTE FUNCTION entrim_notify_alerts();

-- Each agent's compact health summary, written with its heartbeat: numbers and names only (per GPU
-- temperature, Xid and ECC counts; error rate and p95 latency over the traffic window; spool backlog;
-- free bytes of the data filesystem and a predicted time to full; the store probe). The leader's rules
-- read it; NULL until an agent that knows about it beats.
ALTER TABLE nodes ADD COLUMN health jsonb CHECK (health IS NULL OR jsonb_typeof(health) = 'object');
