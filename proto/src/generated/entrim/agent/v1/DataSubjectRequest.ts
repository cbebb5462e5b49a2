// Original file: entrim/agent/v1/accounts.proto

import type { Long } from '@grpc/proto-loader';

export interface DataSubjectRequest {
  'id'?: (string);
  'accountId'?: (string);
  'accountName'?: (string);
  'kind'?: (string);
  'details'?: (string);
  'status'?: (string);
  'requestedAtMs'?: (number | string | Long);
  'dueAtMs'?: (number | string | Long);
  'daysLeft'?: (number);
  'handledAtMs'?: (number | string | Long);
  'handledBy'?: (string);
  'resolution'?: (string);
  'requestedBy'?: (string);
}

export interface DataSubjectRequest__Output {
  'id': (string);
  'accountId': (string);
  'accountName': (string);
  'kind': (string);
  'details': (string);
  'status': (string);
  'requestedAtMs': (number);
  'dueAtMs': (number);
  'daysLeft': (number);
  'handledAtMs': (number);
  'handledBy': (string);
  'resolution': (string);
  'requestedBy': (string);
}
