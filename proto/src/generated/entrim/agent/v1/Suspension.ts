// Original file: entrim/agent/v1/abuse.proto

import type { TargetType as _entrim_agent_v1_TargetType, TargetType__Output as _entrim_agent_v1_TargetType__Output } from '../../../entrim/agent/v1/TargetType.js';
import type { SuspensionState as _entrim_agent_v1_SuspensionState, SuspensionState__Output as _entrim_agent_v1_SuspensionState__Output } from '../../../entrim/agent/v1/SuspensionState.js';
import type { SuspensionReason as _entrim_agent_v1_SuspensionReason, SuspensionReason__Output as _entrim_agent_v1_SuspensionReason__Output } from '../../../entrim/agent/v1/SuspensionReason.js';
import type { Long } from '@grpc/proto-loader';

export interface Suspension {
  'id'?: (string);
  'targetType'?: (_entrim_agent_v1_TargetType);
  'target'?: (string);
  'state'?: (_entrim_agent_v1_SuspensionState);
  'reason'?: (_entrim_agent_v1_SuspensionReason);
  'note'?: (string);
  'expiresAtMs'?: (number | string | Long);
  'createdAtMs'?: (number | string | Long);
  'createdBy'?: (string);
  'liftedAtMs'?: (number | string | Long);
  'liftedBy'?: (string);
  'liftReason'?: (string);
  'active'?: (boolean);
}

export interface Suspension__Output {
  'id': (string);
  'targetType': (_entrim_agent_v1_TargetType__Output);
  'target': (string);
  'state': (_entrim_agent_v1_SuspensionState__Output);
  'reason': (_entrim_agent_v1_SuspensionReason__Output);
  'note': (string);
  'expiresAtMs': (number);
  'createdAtMs': (number);
  'createdBy': (string);
  'liftedAtMs': (number);
  'liftedBy': (string);
  'liftReason': (string);
  'active': (boolean);
}
