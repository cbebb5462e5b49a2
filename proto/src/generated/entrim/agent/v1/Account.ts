// Original file: entrim/agent/v1/accounts.proto

import type { UsageSummary as _entrim_agent_v1_UsageSummary, UsageSummary__Output as _entrim_agent_v1_UsageSummary__Output } from '../../../entrim/agent/v1/UsageSummary.js';
import type { Long } from '@grpc/proto-loader';

export interface Account {
  'id'?: (string);
  'name'?: (string);
  'email'?: (string);
  'company'?: (string);
  'status'?: (string);
  'createdAtMs'?: (number | string | Long);
  'usage'?: (_entrim_agent_v1_UsageSummary | null);
}

export interface Account__Output {
  'id': (string);
  'name': (string);
  'email': (string);
  'company': (string);
  'status': (string);
  'createdAtMs': (number);
  'usage': (_entrim_agent_v1_UsageSummary__Output | null);
}
