// Original file: entrim/agent/v1/status.proto

import type { IncidentKind as _entrim_agent_v1_IncidentKind, IncidentKind__Output as _entrim_agent_v1_IncidentKind__Output } from '../../../entrim/agent/v1/IncidentKind.js';
import type { IncidentUpdate as _entrim_agent_v1_IncidentUpdate, IncidentUpdate__Output as _entrim_agent_v1_IncidentUpdate__Output } from '../../../entrim/agent/v1/IncidentUpdate.js';
import type { Long } from '@grpc/proto-loader';

export interface StatusIncident {
  'id'?: (string);
  'kind'?: (_entrim_agent_v1_IncidentKind);
  'title'?: (string);
  'body'?: (string);
  'models'?: (string)[];
  'regions'?: (string)[];
  'startsAtMs'?: (number | string | Long);
  'endsAtMs'?: (number | string | Long);
  'status'?: (string);
  'createdBy'?: (string);
  'createdAtMs'?: (number | string | Long);
  'updates'?: (_entrim_agent_v1_IncidentUpdate)[];
}

export interface StatusIncident__Output {
  'id': (string);
  'kind': (_entrim_agent_v1_IncidentKind__Output);
  'title': (string);
  'body': (string);
  'models': (string)[];
  'regions': (string)[];
  'startsAtMs': (number);
  'endsAtMs': (number);
  'status': (string);
  'createdBy': (string);
  'createdAtMs': (number);
  'updates': (_entrim_agent_v1_IncidentUpdate__Output)[];
}
