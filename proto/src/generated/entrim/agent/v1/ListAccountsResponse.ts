// Original file: entrim/agent/v1/accounts.proto

import type { Account as _entrim_agent_v1_Account, Account__Output as _entrim_agent_v1_Account__Output } from '../../../entrim/agent/v1/Account.js';

export interface ListAccountsResponse {
  'accounts'?: (_entrim_agent_v1_Account)[];
}

export interface ListAccountsResponse__Output {
  'accounts': (_entrim_agent_v1_Account__Output)[];
}
