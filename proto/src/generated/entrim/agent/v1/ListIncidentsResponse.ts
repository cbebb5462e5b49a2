// Original file: entrim/agent/v1/status.proto

import type { StatusIncident as _entrim_agent_v1_StatusIncident, StatusIncident__Output as _entrim_agent_v1_StatusIncident__Output } from '../../../entrim/agent/v1/StatusIncident.js';

export interface ListIncidentsResponse {
  'incidents'?: (_entrim_agent_v1_StatusIncident)[];
}

export interface ListIncidentsResponse__Output {
  'incidents': (_entrim_agent_v1_StatusIncident__Output)[];
}
