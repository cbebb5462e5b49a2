// Original file: entrim/agent/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface ListAuditRequest {
  'operator'?: (string);
  'action'?: (string);
  'target'?: (string);
  'sinceMs'?: (number | string | Long);
  'untilMs'?: (number | string | Long);
  'limit'?: (number);
  'node'?: (string);
}

export interface ListAuditRequest__Output {
  'operator': (string);
  'action': (string);
  'target': (string);
  'sinceMs': (number);
  'untilMs': (number);
  'limit': (number);
  'node': (string);
}
