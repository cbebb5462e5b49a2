// Original file: entrim/agent/v1/rollouts.proto

import type { RolloutNodeState as _entrim_agent_v1_RolloutNodeState, RolloutNodeState__Output as _entrim_agent_v1_RolloutNodeState__Output } from '../../../entrim/agent/v1/RolloutNodeState.js';
import type { RotationProgress as _entrim_agent_v1_RotationProgress, RotationProgress__Output as _entrim_agent_v1_RotationProgress__Output } from '../../../entrim/agent/v1/RotationProgress.js';
import type { VersionHealth as _entrim_agent_v1_VersionHealth, VersionHealth__Output as _entrim_agent_v1_VersionHealth__Output } from '../../../entrim/agent/v1/VersionHealth.js';
import type { Long } from '@grpc/proto-loader';

export interface RolloutNode {
  'node'?: (string);
  'batch'?: (number);
  'fromVersion'?: (string);
  'state'?: (_entrim_agent_v1_RolloutNodeState);
  'message'?: (string);
  'liveVersion'?: (string);
  'progress'?: (_entrim_agent_v1_RotationProgress | null);
  'health'?: (_entrim_agent_v1_VersionHealth | null);
  'updatedAtMs'?: (number | string | Long);
}

export interface RolloutNode__Output {
  'node': (string);
  'batch': (number);
  'fromVersion': (string);
  'state': (_entrim_agent_v1_RolloutNodeState__Output);
  'message': (string);
  'liveVersion': (string);
  'progress': (_entrim_agent_v1_RotationProgress__Output | null);
  'health': (_entrim_agent_v1_VersionHealth__Output | null);
  'updatedAtMs': (number);
}
