// Original file: entrim/agent/v1/accounts.proto

import type { Account as _entrim_agent_v1_Account, Account__Output as _entrim_agent_v1_Account__Output } from '../../../entrim/agent/v1/Account.js';
import type { UsageDay as _entrim_agent_v1_UsageDay, UsageDay__Output as _entrim_agent_v1_UsageDay__Output } from '../../../entrim/agent/v1/UsageDay.js';

export interface AccountDetail {
  'account'?: (_entrim_agent_v1_Account | null);
  'usageByDay'?: (_entrim_agent_v1_UsageDay)[];
  'activeKeyIds'?: (string)[];
  'activeSuspensionIds'?: (string)[];
}

export interface AccountDetail__Output {
  'account': (_entrim_agent_v1_Account__Output | null);
  'usageByDay': (_entrim_agent_v1_UsageDay__Output)[];
  'activeKeyIds': (string)[];
  'activeSuspensionIds': (string)[];
}
