// Original file: entrim/agent/v1/notices.proto

import type { Long } from '@grpc/proto-loader';

export interface MailDelivery {
  'mailId'?: (string);
  'state'?: (string);
  'attempts'?: (number);
  'lastErrorClass'?: (string);
  'finishedAtMs'?: (number | string | Long);
}

export interface MailDelivery__Output {
  'mailId': (string);
  'state': (string);
  'attempts': (number);
  'lastErrorClass': (string);
  'finishedAtMs': (number);
}
