// Original file: entrim/agent/v1/accounts.proto

import type { Long } from '@grpc/proto-loader';

export interface AccountActionResult {
  'accountId'?: (string);
  'action'?: (string);
  'status'?: (string);
  'performedAtMs'?: (number | string | Long);
  'performedBy'?: (string);
}

export interface AccountActionResult__Output {
  'accountId': (string);
  'action': (string);
  'status': (string);
  'performedAtMs': (number);
  'performedBy': (string);
}
