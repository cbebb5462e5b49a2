// Original file: entrim/agent/v1/abuse.proto

import type { Long } from '@grpc/proto-loader';

export interface AbuseFlag {
  'id'?: (string);
  'subjectType'?: (string);
  'subject'?: (string);
  'rule'?: (string);
  'firstSeenMs'?: (number | string | Long);
  'lastSeenMs'?: (number | string | Long);
  'count'?: (number | string | Long);
  'evidenceJson'?: (string);
  'status'?: (string);
  'resolvedBy'?: (string);
  'resolvedAtMs'?: (number | string | Long);
  'resolvedNote'?: (string);
}

export interface AbuseFlag__Output {
  'id': (string);
  'subjectType': (string);
  'subject': (string);
  'rule': (string);
  'firstSeenMs': (number);
  'lastSeenMs': (number);
  'count': (number);
  'evidenceJson': (string);
  'status': (string);
  'resolvedBy': (string);
  'resolvedAtMs': (number);
  'resolvedNote': (string);
}
