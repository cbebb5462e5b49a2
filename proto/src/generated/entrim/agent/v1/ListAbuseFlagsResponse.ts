// Original file: entrim/agent/v1/abuse.proto

import type { AbuseFlag as _entrim_agent_v1_AbuseFlag, AbuseFlag__Output as _entrim_agent_v1_AbuseFlag__Output } from '../../../entrim/agent/v1/AbuseFlag.js';

export interface ListAbuseFlagsResponse {
  'flags'?: (_entrim_agent_v1_AbuseFlag)[];
}

export interface ListAbuseFlagsResponse__Output {
  'flags': (_entrim_agent_v1_AbuseFlag__Output)[];
}
