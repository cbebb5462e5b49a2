-- The public status page's incidents and scheduled maintenance, posted by operators. Everything in
-- these tables is public text (shown on every agent's /status without authentication), except
-- created_by / by, which the page never shows.
CREATE TABLE status_incidents (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('incident', 'maintenance')),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body text NOT NULL DEFAULT '' CHECK (length(body) <= 5000),
  models text[] NOT NULL DEFAULT '{}',
  regions text[] NOT NULL DEFAULT '{}',
  starts_at timestamptz NOT NULL,
  -- Maintenance: the planned end. Incident: null until resolved.
  ends_at timestamptz,
  -- Incident: investigating|identified|monitoring|resolved. Maintenance: scheduled|cancelled (in
  -- progress and completed are read from the window by the database clock, never stored).
  status text NOT NULL CHECK (
    (kind = 'incident' AND status IN ('investigating', 'identified', 'monitoring', 'resolved'))
    OR (kind = 'maintenance' AND status IN ('scheduled', 'cancelled'))),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (kind = 'incident' OR (ends_at IS NOT NULL AND ends_at > starts_at)),
  CHECK (kind = 'maintenance' OR ((status = 'resolved') = (ends_at IS NOT NULL)))
);
CREATE INDEX status_incidents_recent_idx ON status_incidents (coalesce(ends_at, 'infinity'));

CREATE TABLE status_incident_updates (
  incident_id text NOT NULL REFERENCES status_incidents (id) ON DELETE CASCADE,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL,
  text text NOT NULL CHECK (length(text) <= 5000),
  by text NOT NULL,
  PRIMARY KEY (incident_id, seq)
);

-- Every agent caches its rendered page; a change wakes them all. Payload-free: a hint only (NOTIFY is
-- not authenticated), each agent re-reads the tables.
CREATE FUNCTION entrim_notify_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('entrim_status', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER status_incidents_notify AFTER INSERT OR UPDATE OR DELETE ON status_incidents
  FOR EACH STATEMENT EXECUTE FUNCTION entrim_notify_status();
CREATE TRIGGER status_incident_updates_notify AFTER INSERT OR UPDATE OR DELETE ON status_incident_updates
  FOR EACH STATEMENT EXECUTE FUNCTION entrim_notify_status();
