// Original file: entrim/agent/v1/alerts.proto

import type { Long } from '@grpc/proto-loader';

export interface SilenceAlertRequest {
  'id'?: (string);
  'untilMs'?: (number | string | Long);
  'note'?: (string);
}

export interface SilenceAlertRequest__Output {
  'id': (string);
  'untilMs': (number);
  'note': (string);
}
