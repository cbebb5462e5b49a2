-- Rolling rollouts of a model version across nodes (docs/rollouts.md). The store is the source of
-- truth: the leader agent (whoever holds the rollout advisory lock) drives `rollouts` forward from what
-- is stored here, and every agent rotates its own models to the version `node_models.desired_version`
-- names. So a rollout outlives the console that started it and the agent that was driving it.

-- What the node should serve; NULL means "whatever it serves" (no rollout ever touched it). The node's
-- reconciler rotates towards it and reports progress in `progress` (the last rotation event) and the
-- new version's health in `health` (while a rollout gates it).
ALTER TABLE node_models
  ADD COLUMN desired_version text,
  ADD COLUMN progress jsonb,
  ADD COLUMN health jsonb,
  ADD FOREIGN KEY (model, desired_version) REFERENCES model_versions (model, version) ON DELETE RESTRICT;

CREATE TABLE rollouts (
  id            text PRIMARY KEY,
  model         text NOT NULL REFERENCES models (name) ON DELETE RESTRICT,
  to_version    text NOT NULL,
  -- {"nodes": [...], "regions": [...], "labels": {...}}: all empty means every node serving the model.
  targets       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(targets) = 'object'),
  batch_size    integer NOT NULL CHECK (batch_size >= 1),
  pause_seconds integer NOT NULL DEFAULT 0 CHECK (pause_seconds >= 0),
  -- {"maxErrorRate": 0.01, "maxP95Ms": 2000, "windowSeconds": 30}
  gates         jsonb NOT NULL CHECK (jsonb_typeof(gates) = 'object'),
  state         text NOT NULL CHECK (state IN ('running', 'paused', 'completed', 'aborting', 'aborted',
                  'rolling_back', 'rolled_back', 'failed')),
  reason        text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
  current_batch integer NOT NULL DEFAULT 0 CHECK (current_batch >= 0),
  batches       integer NOT NULL CHECK (batches >= 1),
  -- When the current batch's gates started holding / the batch passed them (the pause counts from it).
  gate_started_at timestamptz,
  batch_done_at   timestamptz,
  created_by    text NOT NULL CHECK (length(created_by) BETWEEN 1 AND 200),
  created_role  text NOT NULL CHECK (created_role IN ('viewer', 'operator', 'admin')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  FOREIGN KEY (model, to_version) REFERENCES model_versions (model, version) ON DELETE RESTRICT
);

-- One rollout at a time per model: two would fight over the same nodes' desired versions.
CREATE UNIQUE INDEX rollouts_one_active_per_model ON rollouts (model)
  WHERE state IN ('running', 'paused', 'aborting', 'rolling_back');

CREATE INDEX rollouts_created_idx ON rollouts (created_at DESC);

CREATE TABLE rollout_nodes (
  rollout      text NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
  node         text NOT NULL,
  batch        integer NOT NULL CHECK (batch >= 0),
  -- What the node served when the rollout started: where abort and roll back return it.
  from_version text NOT NULL,
  state        text NOT NULL CHECK (state IN ('pending', 'rotating', 'verifying', 'done', 'failed',
                 'reverting', 'rolled_back')),
  message      text NOT NULL DEFAULT '' CHECK (length(message) <= 2000),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (rollout, node)
);

-- Rollout changes are announced like the catalogue's: the payload names the rollout, watchers re-read.
CREATE FUNCTION entrim_notify_rollouts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  IF TG_TABLE_NAME = 'rollouts' THEN
    PERFORM pg_notify('entrim_rollouts', json_build_object('rollout', r.id, 'state', r.state)::text);
  ELSE
    PERFORM pg_notify('entrim_rollouts', json_build_object('rollout', r.rollout, 'node', r.node,
      'state', r.state)::text);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER rollouts_notify AFTER INSERT OR UPDATE ON rollouts
  FOR EACH ROW EXECUTE FUNCTION entrim_notify_rollouts();

CREATE TRIGGER rollout_nodes_notify AFTER INSERT OR UPDATE ON rollout_nodes
  FOR EACH ROW EXECUTE FUNCTION entrim_notify_rollouts();
