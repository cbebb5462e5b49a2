// Original file: entrim/agent/v1/status.proto

import type { Long } from '@grpc/proto-loader';

export interface PostMaintenanceRequest {
  'title'?: (string);
  'body'?: (string);
  'models'?: (string)[];
  'regions'?: (string)[];
  'startsAtMs'?: (number | string | Long);
  'endsAtMs'?: (number | string | Long);
}

export interface PostMaintenanceRequest__Output {
  'title': (string);
  'body': (string);
  'models': (string)[];
  'regions': (string)[];
  'startsAtMs': (number);
  'endsAtMs': (number);
}
