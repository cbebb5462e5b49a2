-- What the node registry must show an operator console (ListPeers) and keep across restarts: where
-- to reach a node's control plane and metrics, why it is not serving, an operator's drain, and labels
-- for later rollouts. Existing rows get neutral defaults, so agents that predate this still register.

ALTER TABLE nodes
  ADD COLUMN control_address text NOT NULL DEFAULT '' CHECK (length(control_address) <= 300),
  ADD COLUMN metrics_address text NOT NULL DEFAULT '' CHECK (length(metrics_address) <= 300),
  ADD COLUMN state_reason    text NOT NULL DEFAULT '' CHECK (length(state_reason) <= 2000),
  -- {"by", "reason", "requestedAt", "deadlineAt"} while draining or drained; NULL when serving.
  ADD COLUMN drain           jsonb CHECK (drain IS NULL OR jsonb_typeof(drain) = 'object'),
  ADD COLUMN labels          jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(labels) = 'object');

-- refusing: configured outside node.allowedRegions (refuses public traffic, still controllable);
-- degraded: serving, but something needs an operator.
ALTER TABLE nodes DROP CONSTRAINT nodes_state_check;
ALTER TABLE nodes ADD CONSTRAINT nodes_state_check CHECK (state IN (
  'starting', 'ready', 'draining', 'drained', 'stopping', 'stopped', 'refusing', 'degraded'));

-- The node that last ran each cluster job (usage retention...) under its advisory lock. The lock is
-- held only during a pass, so between passes this is the cheap answer to "who is the leader".
CREATE TABLE cluster_jobs (
  job    text PRIMARY KEY CHECK (length(job) BETWEEN 1 AND 100),
  node   text NOT NULL CHECK (length(node) <= 200),
  ran_at timestamptz NOT NULL DEFAULT now()
);
