// Original file: entrim/agent/v1/accounts.proto

import type { Long } from '@grpc/proto-loader';

export interface Invoice {
  'id'?: (string);
  'accountId'?: (string);
  'period'?: (string);
  'status'?: (string);
  'currency'?: (string);
  'taxRate'?: (string);
  'costPicoEur'?: (string);
  'subtotalCents'?: (string);
  'taxCents'?: (string);
  'totalCents'?: (string);
  'subtotal'?: (string);
  'tax'?: (string);
  'total'?: (string);
  'generatedAtMs'?: (number | string | Long);
  'issuedAtMs'?: (number | string | Long);
  'dueAtMs'?: (number | string | Long);
  'paidAtMs'?: (number | string | Long);
  'disputedAtMs'?: (number | string | Long);
  'disputeReason'?: (string);
}

export interface Invoice__Output {
  'id': (string);
  'accountId': (string);
  'period': (string);
  'status': (string);
  'currency': (string);
  'taxRate': (string);
  'costPicoEur': (string);
  'subtotalCents': (string);
  'taxCents': (string);
  'totalCents': (string);
  'subtotal': (string);
  'tax': (string);
  'total': (string);
  'generatedAtMs': (number);
  'issuedAtMs': (number);
  'dueAtMs': (number);
  'paidAtMs': (number);
  'disputedAtMs': (number);
  'disputeReason': (string);
}
