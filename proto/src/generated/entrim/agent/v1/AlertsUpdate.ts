// Original file: entrim/agent/v1/alerts.proto

import type { Alert as _entrim_agent_v1_Alert, Alert__Output as _entrim_agent_v1_Alert__Output } from '../../../entrim/agent/v1/Alert.js';

export interface AlertsUpdate {
  'alerts'?: (_entrim_agent_v1_Alert)[];
}

export interface AlertsUpdate__Output {
  'alerts': (_entrim_agent_v1_Alert__Output)[];
}
