// Original file: entrim/agent/v1/abuse.proto

import type { TargetType as _entrim_agent_v1_TargetType, TargetType__Output as _entrim_agent_v1_TargetType__Output } from '../../../entrim/agent/v1/TargetType.js';

export interface UnsuspendRequest {
  'id'?: (string);
  'targetType'?: (_entrim_agent_v1_TargetType);
  'target'?: (string);
  'reason'?: (string);
}

export interface UnsuspendRequest__Output {
  'id': (string);
  'targetType': (_entrim_agent_v1_TargetType__Output);
  'target': (string);
  'reason': (string);
}
