// Original file: entrim/agent/v1/rollouts.proto

import type { RolloutTargets as _entrim_agent_v1_RolloutTargets, RolloutTargets__Output as _entrim_agent_v1_RolloutTargets__Output } from '../../../entrim/agent/v1/RolloutTargets.js';
import type { HealthGates as _entrim_agent_v1_HealthGates, HealthGates__Output as _entrim_agent_v1_HealthGates__Output } from '../../../entrim/agent/v1/HealthGates.js';
import type { RolloutState as _entrim_agent_v1_RolloutState, RolloutState__Output as _entrim_agent_v1_RolloutState__Output } from '../../../entrim/agent/v1/RolloutState.js';
import type { RolloutNode as _entrim_agent_v1_RolloutNode, RolloutNode__Output as _entrim_agent_v1_RolloutNode__Output } from '../../../entrim/agent/v1/RolloutNode.js';
import type { Long } from '@grpc/proto-loader';

export interface Rollout {
  'id'?: (string);
  'model'?: (string);
  'toVersion'?: (string);
  'targets'?: (_entrim_agent_v1_RolloutTargets | null);
  'batchSize'?: (number);
  'pauseSeconds'?: (number);
  'gates'?: (_entrim_agent_v1_HealthGates | null);
  'state'?: (_entrim_agent_v1_RolloutState);
  'reason'?: (string);
  'currentBatch'?: (number);
  'batches'?: (number);
  'createdBy'?: (string);
  'createdAtMs'?: (number | string | Long);
  'updatedAtMs'?: (number | string | Long);
  'finishedAtMs'?: (number | string | Long);
  'nodes'?: (_entrim_agent_v1_RolloutNode)[];
}

export interface Rollout__Output {
  'id': (string);
  'model': (string);
  'toVersion': (string);
  'targets': (_entrim_agent_v1_RolloutTargets__Output | null);
  'batchSize': (number);
  'pauseSeconds': (number);
  'gates': (_entrim_agent_v1_HealthGates__Output | null);
  'state': (_entrim_agent_v1_RolloutState__Output);
  'reason': (string);
  'currentBatch': (number);
  'batches': (number);
  'createdBy': (string);
  'createdAtMs': (number);
  'updatedAtMs': (number);
  'finishedAtMs': (number);
  'nodes': (_entrim_agent_v1_RolloutNode__Output)[];
}
