// Original file: entrim/agent/v1/rollouts.proto

import type { Rollout as _entrim_agent_v1_Rollout, Rollout__Output as _entrim_agent_v1_Rollout__Output } from '../../../entrim/agent/v1/Rollout.js';

export interface ListRolloutsResponse {
  'rollouts'?: (_entrim_agent_v1_Rollout)[];
}

export interface ListRolloutsResponse__Output {
  'rollouts': (_entrim_agent_v1_Rollout__Output)[];
}
