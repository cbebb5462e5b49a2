// Original file: entrim/agent/v1/accounts.proto

import type { ApiKey as _entrim_agent_v1_ApiKey, ApiKey__Output as _entrim_agent_v1_ApiKey__Output } from '../../../entrim/agent/v1/ApiKey.js';

export interface ListApiKeysResponse {
  'keys'?: (_entrim_agent_v1_ApiKey)[];
}

export interface ListApiKeysResponse__Output {
  'keys': (_entrim_agent_v1_ApiKey__Output)[];
}
