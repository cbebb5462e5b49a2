-- The model catalogue: public model names (what customers send), their versions (one artifact each,
-- addressed by sha256, with the runtime settings it is served with), and which version is live or
-- staged on which node. Agents keep the artifacts in an on-disk cache (src/cache/artifacts.ts) and
-- learn of changes through NOTIFY on entrim_models.

CREATE TABLE models (
  name        text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$'),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL CHECK (length(created_by) BETWEEN 1 AND 200)
);

-- A version is never edited: nodes verify and cache its artifact by sha256, and a row whose bytes
-- changed underneath them would make "version X" mean two things. Publish a new version instead.
CREATE TABLE model_versions (
  model           text NOT NULL REFERENCES models (name) ON DELETE RESTRICT,
  version         text NOT NULL CHECK (version ~ '^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$'),
  artifact_uri    text NOT NULL
                  CHECK (artifact_uri ~ '^(file|https?|agent):' AND length(artifact_uri) <= 2048),
  sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes      bigint NOT NULL CHECK (size_bytes > 0),
  runtime         text NOT NULL CHECK (runtime IN ('embedded', 'external')),
  runtime_options jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(runtime_options) = 'object'),
  context_length  integer CHECK (context_length IS NULL OR context_length >= 64),
  default_params  jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(default_params) = 'object'),
  created_at      timestamptz NOT NULL DEFAULT now(),
  created_by      text NOT NULL CHECK (length(created_by) BETWEEN 1 AND 200),
  PRIMARY KEY (model, version)
);

CREATE INDEX model_versions_sha256_idx ON model_versions (sha256);

CREATE FUNCTION entrim_model_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'model versions are immutable; add a new version instead' USING ERRCODE = '55000';
END
$$;

CREATE TRIGGER model_versions_immutable BEFORE UPDATE ON model_versions
  FOR EACH ROW EXECUTE FUNCTION entrim_model_versions_immutable();

-- Which version of a model each node serves (live) and is preparing (staged). The versions are
-- foreign keys, so a version in use cannot be deleted; a node that leaves the registry takes its rows.
CREATE TABLE node_models (
  node           text NOT NULL REFERENCES nodes (name) ON DELETE CASCADE,
  model          text NOT NULL REFERENCES models (name) ON DELETE RESTRICT,
  live_version   text,
  staged_version text,
  state          text NOT NULL
                 CHECK (state IN ('staging', 'staged', 'loading', 'live', 'draining', 'failed', 'removed')),
  error          text CHECK (error IS NULL OR length(error) <= 2000),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (node, model),
  FOREIGN KEY (model, live_version) REFERENCES model_versions (model, version) ON DELETE RESTRICT,
  FOREIGN KEY (model, staged_version) REFERENCES model_versions (model, version) ON DELETE RESTRICT,
  -- A node serving a model has a live version; one preparing a version names it.
  CHECK (state NOT IN ('live', 'draining') OR live_version IS NOT NULL),
  CHECK (state NOT IN ('staging', 'staged', 'loading') OR staged_version IS NOT NULL)
);

CREATE INDEX node_models_model_idx ON node_models (model);

-- One channel for the whole catalogue. Payloads name what changed (no descriptions, no URIs: a URI
-- may carry a signed query string); agents re-read the rows they care about.
CREATE FUNCTION entrim_notify_models() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
  payload json;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  IF TG_TABLE_NAME = 'models' THEN
    payload := json_build_object('kind', 'model', 'op', lower(TG_OP), 'model', r.name);
  ELSIF TG_TABLE_NAME = 'model_versions' THEN
    payload := json_build_object('kind', 'version', 'op', lower(TG_OP), 'model', r.model,
      'version', r.version, 'sha256', r.sha256);
  ELSE
    payload := json_build_object('kind', 'node', 'op', lower(TG_OP), 'node', r.node, 'model', r.model,
      'liveVersion', r.live_version, 'stagedVersion', r.staged_version, 'state', r.state);
  END IF;
  PERFORM pg_notify('entrim_models', payload::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER models_notify AFTER INSERT OR UPDATE OR DELETE ON models
  FOR EACH ROW EXECUTE FUNCTION entrim_notify_models();

CREATE TRIGGER model_versions_notify AFTER INSERT OR DELETE ON model_versions
  FOR EACH ROW EXECUTE FUNCTION entrim_notify_models();

CREATE TRIGGER node_models_notify AFTER INSERT OR UPDATE OR DELETE ON node_models
  FOR EACH ROW EXECUTE FUNCTION entrim_notify_models();
