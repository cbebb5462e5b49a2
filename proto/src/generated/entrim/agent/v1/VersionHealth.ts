// Original file: entrim/agent/v1/rollouts.proto

import type { Long } from '@grpc/proto-loader';

export interface VersionHealth {
  'version'?: (string);
  'requests'?: (number | string | Long);
  'errors'?: (number | string | Long);
  'p95Ms'?: (number | string);
  'windowSeconds'?: (number);
  'atMs'?: (number | string | Long);
}

export interface VersionHealth__Output {
  'version': (string);
  'requests': (number);
  'errors': (number);
  'p95Ms': (number);
  'windowSeconds': (number);
  'atMs': (number);
}
