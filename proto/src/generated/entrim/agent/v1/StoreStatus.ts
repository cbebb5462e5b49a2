// Original file: entrim/agent/v1/node.proto

import type { Long } from '@grpc/proto-loader';

export interface StoreStatus {
  'connected'?: (boolean);
  'listening'?: (boolean);
  'lastOkAtMs'?: (number | string | Long);
  'error'?: (string);
}

export interface StoreStatus__Output {
  'connected': (boolean);
  'listening': (boolean);
  'lastOkAtMs': (number);
  'error': (string);
}
