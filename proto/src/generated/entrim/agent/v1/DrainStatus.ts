// Original file: entrim/agent/v1/node.proto

import type { Long } from '@grpc/proto-loader';

export interface DrainStatus {
  'draining'?: (boolean);
  'drained'?: (boolean);
  'requestedBy'?: (string);
  'reason'?: (string);
  'requestedAtMs'?: (number | string | Long);
  'deadlineAtMs'?: (number | string | Long);
}

export interface DrainStatus__Output {
  'draining': (boolean);
  'drained': (boolean);
  'requestedBy': (string);
  'reason': (string);
  'requestedAtMs': (number);
  'deadlineAtMs': (number);
}
