// Original file: entrim/agent/v1/notices.proto

import type { Long } from '@grpc/proto-loader';

export interface PublishNoticeRequest {
  'kind'?: (string);
  'title'?: (string);
  'body'?: (string);
  'accountId'?: (string);
  'startsAtMs'?: (number | string | Long);
  'endsAtMs'?: (number | string | Long);
  'essential'?: (boolean);
  'essentialReason'?: (string);
}

export interface PublishNoticeRequest__Output {
  'kind': (string);
  'title': (string);
  'body': (string);
  'accountId': (string);
  'startsAtMs': (number);
  'endsAtMs': (number);
  'essential': (boolean);
  'essentialReason': (string);
}
