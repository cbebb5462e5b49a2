// Original file: entrim/agent/v1/rollouts.proto

import type { Long } from '@grpc/proto-loader';

export interface CatalogVersion {
  'version'?: (string);
  'sha256'?: (string);
  'sizeBytes'?: (number | string | Long);
  'runtime'?: (string);
  'createdAtMs'?: (number | string | Long);
  'createdBy'?: (string);
  'liveOn'?: (string)[];
}

export interface CatalogVersion__Output {
  'version': (string);
  'sha256': (string);
  'sizeBytes': (number);
  'runtime': (string);
  'createdAtMs': (number);
  'createdBy': (string);
  'liveOn': (string)[];
}
