// Original file: entrim/agent/v1/abuse.proto

import type { SecurityEvent as _entrim_agent_v1_SecurityEvent, SecurityEvent__Output as _entrim_agent_v1_SecurityEvent__Output } from '../../../entrim/agent/v1/SecurityEvent.js';

export interface ListSecurityEventsResponse {
  'events'?: (_entrim_agent_v1_SecurityEvent)[];
}

export interface ListSecurityEventsResponse__Output {
  'events': (_entrim_agent_v1_SecurityEvent__Output)[];
}
