// Original file: entrim/agent/v1/accounts.proto

import type { Long } from '@grpc/proto-loader';

export interface UsageSummary {
  'requests'?: (number | string | Long);
  'promptTokens'?: (number | string | Long);
  'cachedTokens'?: (number | string | Long);
  'completionTokens'?: (number | string | Long);
  'costEur'?: (string);
}

export interface UsageSummary__Output {
  'requests': (number);
  'promptTokens': (number);
  'cachedTokens': (number);
  'completionTokens': (number);
  'costEur': (string);
}
