// Original file: entrim/agent/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface VerifyAuditResponse {
  'ok'?: (boolean);
  'entries'?: (number | string | Long);
  'firstBadSeq'?: (string);
  'problem'?: (string);
  'checkpointSeq'?: (string);
}

export interface VerifyAuditResponse__Output {
  'ok': (boolean);
  'entries': (number);
  'firstBadSeq': (string);
  'problem': (string);
  'checkpointSeq': (string);
}
