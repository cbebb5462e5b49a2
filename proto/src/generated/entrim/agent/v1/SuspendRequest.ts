// Original file: entrim/agent/v1/abuse.proto

import type { TargetType as _entrim_agent_v1_TargetType, TargetType__Output as _entrim_agent_v1_TargetType__Output } from '../../../entrim/agent/v1/TargetType.js';
import type { SuspensionReason as _entrim_agent_v1_SuspensionReason, SuspensionReason__Output as _entrim_agent_v1_SuspensionReason__Output } from '../../../entrim/agent/v1/SuspensionReason.js';

export interface SuspendRequest {
  'targetType'?: (_entrim_agent_v1_TargetType);
  'target'?: (string);
  'reason'?: (_entrim_agent_v1_SuspensionReason);
  'expiresInSeconds'?: (number);
  'note'?: (string);
}

export interface SuspendRequest__Output {
  'targetType': (_entrim_agent_v1_TargetType__Output);
  'target': (string);
  'reason': (_entrim_agent_v1_SuspensionReason__Output);
  'expiresInSeconds': (number);
  'note': (string);
}
