// Original file: entrim/agent/v1/status.proto

import type { Long } from '@grpc/proto-loader';

export interface IncidentUpdate {
  'atMs'?: (number | string | Long);
  'status'?: (string);
  'text'?: (string);
  'by'?: (string);
}

export interface IncidentUpdate__Output {
  'atMs': (number);
  'status': (string);
  'text': (string);
  'by': (string);
}
