// Original file: entrim/agent/v1/accounts.proto

import type { UsageSummary as _entrim_agent_v1_UsageSummary, UsageSummary__Output as _entrim_agent_v1_UsageSummary__Output } from '../../../entrim/agent/v1/UsageSummary.js';

export interface UsageDay {
  'day'?: (string);
  'model'?: (string);
  'usage'?: (_entrim_agent_v1_UsageSummary | null);
}

export interface UsageDay__Output {
  'day': (string);
  'model': (string);
  'usage': (_entrim_agent_v1_UsageSummary__Output | null);
}
