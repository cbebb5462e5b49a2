// Original file: entrim/agent/v1/rollouts.proto

import type { RolloutTargets as _entrim_agent_v1_RolloutTargets, RolloutTargets__Output as _entrim_agent_v1_RolloutTargets__Output } from '../../../entrim/agent/v1/RolloutTargets.js';
import type { HealthGates as _entrim_agent_v1_HealthGates, HealthGates__Output as _entrim_agent_v1_HealthGates__Output } from '../../../entrim/agent/v1/HealthGates.js';

export interface StartRolloutRequest {
  'model'?: (string);
  'version'?: (string);
  'targets'?: (_entrim_agent_v1_RolloutTargets | null);
  'batchSize'?: (number);
  'pauseSeconds'?: (number);
  'gates'?: (_entrim_agent_v1_HealthGates | null);
  'reason'?: (string);
}

export interface StartRolloutRequest__Output {
  'model': (string);
  'version': (string);
  'targets': (_entrim_agent_v1_RolloutTargets__Output | null);
  'batchSize': (number);
  'pauseSeconds': (number);
  'gates': (_entrim_agent_v1_HealthGates__Output | null);
  'reason': (string);
}
