// Original file: entrim/agent/v1/abuse.proto

import type { Long } from '@grpc/proto-loader';

export interface SecurityEvent {
  'id'?: (string);
  'occurredAtMs'?: (number | string | Long);
  'node'?: (string);
  'kind'?: (string);
  'ip'?: (string);
  'accountId'?: (string);
  'keyId'?: (string);
  'code'?: (string);
  'detailJson'?: (string);
}

export interface SecurityEvent__Output {
  'id': (string);
  'occurredAtMs': (number);
  'node': (string);
  'kind': (string);
  'ip': (string);
  'accountId': (string);
  'keyId': (string);
  'code': (string);
  'detailJson': (string);
}
