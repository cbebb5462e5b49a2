// Original file: entrim/agent/v1/abuse.proto

import type { TargetType as _entrim_agent_v1_TargetType, TargetType__Output as _entrim_agent_v1_TargetType__Output } from '../../../entrim/agent/v1/TargetType.js';

export interface ListSuspensionsRequest {
  'activeOnly'?: (boolean);
  'targetType'?: (_entrim_agent_v1_TargetType);
  'target'?: (string);
  'limit'?: (number);
}

export interface ListSuspensionsRequest__Output {
  'activeOnly': (boolean);
  'targetType': (_entrim_agent_v1_TargetType__Output);
  'target': (string);
  'limit': (number);
}
