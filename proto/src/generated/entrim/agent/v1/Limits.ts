// Original file: entrim/agent/v1/accounts.proto

import type { Limit as _entrim_agent_v1_Limit, Limit__Output as _entrim_agent_v1_Limit__Output } from '../../../entrim/agent/v1/Limit.js';

export interface Limits {
  'accountId'?: (string);
  'keyId'?: (string);
  'rpm'?: (_entrim_agent_v1_Limit | null);
  'tpm'?: (_entrim_agent_v1_Limit | null);
  'concurrency'?: (_entrim_agent_v1_Limit | null);
  'spendCapEur'?: (_entrim_agent_v1_Limit | null);
}

export interface Limits__Output {
  'accountId': (string);
  'keyId': (string);
  'rpm': (_entrim_agent_v1_Limit__Output | null);
  'tpm': (_entrim_agent_v1_Limit__Output | null);
  'concurrency': (_entrim_agent_v1_Limit__Output | null);
  'spendCapEur': (_entrim_agent_v1_Limit__Output | null);
}
