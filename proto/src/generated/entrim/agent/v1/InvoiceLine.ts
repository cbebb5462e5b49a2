// Original file: entrim/agent/v1/accounts.proto

import type { Long } from '@grpc/proto-loader';

export interface InvoiceLine {
  'model'?: (string);
  'requests'?: (number | string | Long);
  'promptTokens'?: (number | string | Long);
  'cachedTokens'?: (number | string | Long);
  'completionTokens'?: (number | string | Long);
  'costPicoEur'?: (string);
  'amountCents'?: (string);
  'amount'?: (string);
  'usagePeriod'?: (string);
}

export interface InvoiceLine__Output {
  'model': (string);
  'requests': (number);
  'promptTokens': (number);
  'cachedTokens': (number);
  'completionTokens': (number);
  'costPicoEur': (string);
  'amountCents': (string);
  'amount': (string);
  'usagePeriod': (string);
}
