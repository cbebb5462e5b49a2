// Original file: entrim/agent/v1/node.proto

import type { Long } from '@grpc/proto-loader';

export interface SpoolStatus {
  'pendingEvents'?: (number | string | Long);
  'pendingBytes'?: (number | string | Long);
  'capacityBytes'?: (number | string | Long);
  'alarm'?: (boolean);
  'oldestPendingAgeMs'?: (number | string | Long);
}

export interface SpoolStatus__Output {
  'pendingEvents': (number);
  'pendingBytes': (number);
  'capacityBytes': (number);
  'alarm': (boolean);
  'oldestPendingAgeMs': (number);
}
