// Original file: entrim/agent/v1/alerts.proto

import type { AlertFilter as _entrim_agent_v1_AlertFilter, AlertFilter__Output as _entrim_agent_v1_AlertFilter__Output } from '../../../entrim/agent/v1/AlertFilter.js';

export interface ListAlertsRequest {
  'filter'?: (_entrim_agent_v1_AlertFilter);
  'node'?: (string);
  'limit'?: (number);
}

export interface ListAlertsRequest__Output {
  'filter': (_entrim_agent_v1_AlertFilter__Output);
  'node': (string);
  'limit': (number);
}
