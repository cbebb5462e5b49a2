// Original file: entrim/agent/v1/alerts.proto

import type { AlertFilter as _entrim_agent_v1_AlertFilter, AlertFilter__Output as _entrim_agent_v1_AlertFilter__Output } from '../../../entrim/agent/v1/AlertFilter.js';

export interface WatchAlertsRequest {
  'filter'?: (_entrim_agent_v1_AlertFilter);
}

export interface WatchAlertsRequest__Output {
  'filter': (_entrim_agent_v1_AlertFilter__Output);
}
