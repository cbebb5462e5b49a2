// Original file: entrim/agent/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface AuditEntry {
  'seq'?: (string);
  'atMs'?: (number | string | Long);
  'operator'?: (string);
  'role'?: (string);
  'source'?: (string);
  'action'?: (string);
  'target'?: (string);
  'reason'?: (string);
  'result'?: (string);
  'node'?: (string);
  'hash'?: (string);
  'prevHash'?: (string);
}

export interface AuditEntry__Output {
  'seq': (string);
  'atMs': (number);
  'operator': (string);
  'role': (string);
  'source': (string);
  'action': (string);
  'target': (string);
  'reason': (string);
  'result': (string);
  'node': (string);
  'hash': (string);
  'prevHash': (string);
}
