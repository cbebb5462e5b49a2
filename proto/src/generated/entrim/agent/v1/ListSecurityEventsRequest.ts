// Original file: entrim/agent/v1/abuse.proto

import type { Long } from '@grpc/proto-loader';

export interface ListSecurityEventsRequest {
  'accountId'?: (string);
  'keyId'?: (string);
  'ip'?: (string);
  'kind'?: (string);
  'sinceMs'?: (number | string | Long);
  'untilMs'?: (number | string | Long);
  'limit'?: (number);
  'node'?: (string);
}

export interface ListSecurityEventsRequest__Output {
  'accountId': (string);
  'keyId': (string);
  'ip': (string);
  'kind': (string);
  'sinceMs': (number);
  'untilMs': (number);
  'limit': (number);
  'node': (string);
}
