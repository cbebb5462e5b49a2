// Original file: entrim/agent/v1/accounts.proto

import type { Long } from '@grpc/proto-loader';

export interface ApiKey {
  'id'?: (string);
  'accountId'?: (string);
  'name'?: (string);
  'createdAtMs'?: (number | string | Long);
  'createdBy'?: (string);
  'lastUsedAtMs'?: (number | string | Long);
  'revokedAtMs'?: (number | string | Long);
  'expiresAtMs'?: (number | string | Long);
  'state'?: (string);
}

export interface ApiKey__Output {
  'id': (string);
  'accountId': (string);
  'name': (string);
  'createdAtMs': (number);
  'createdBy': (string);
  'lastUsedAtMs': (number);
  'revokedAtMs': (number);
  'expiresAtMs': (number);
  'state': (string);
}
