// Original file: entrim/agent/v1/alerts.proto

import type { Long } from '@grpc/proto-loader';

export interface TimelineEntry {
  'atMs'?: (number | string | Long);
  'source'?: (string);
  'kind'?: (string);
  'actor'?: (string);
  'text'?: (string);
}

export interface TimelineEntry__Output {
  'atMs': (number);
  'source': (string);
  'kind': (string);
  'actor': (string);
  'text': (string);
}
