// Original file: entrim/agent/v1/alerts.proto

import type { Alert as _entrim_agent_v1_Alert, Alert__Output as _entrim_agent_v1_Alert__Output } from '../../../entrim/agent/v1/Alert.js';

export interface ListAlertsResponse {
  'alerts'?: (_entrim_agent_v1_Alert)[];
}

export interface ListAlertsResponse__Output {
  'alerts': (_entrim_agent_v1_Alert__Output)[];
}
