// Original file: entrim/agent/v1/certs.proto

import type { Long } from '@grpc/proto-loader';

export interface CertificateRevocation {
  'serialNumber'?: (string);
  'fingerprint'?: (string);
  'subject'?: (string);
  'revokedAtMs'?: (number | string | Long);
  'revokedBy'?: (string);
  'reason'?: (string);
}

export interface CertificateRevocation__Output {
  'serialNumber': (string);
  'fingerprint': (string);
  'subject': (string);
  'revokedAtMs': (number);
  'revokedBy': (string);
  'reason': (string);
}
