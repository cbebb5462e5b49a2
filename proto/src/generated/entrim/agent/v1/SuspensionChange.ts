// Original file: entrim/agent/v1/abuse.proto

import type { Suspension as _entrim_agent_v1_Suspension, Suspension__Output as _entrim_agent_v1_Suspension__Output } from '../../../entrim/agent/v1/Suspension.js';

export interface SuspensionChange {
  'change'?: (string);
  'suspension'?: (_entrim_agent_v1_Suspension | null);
}

export interface SuspensionChange__Output {
  'change': (string);
  'suspension': (_entrim_agent_v1_Suspension__Output | null);
}
