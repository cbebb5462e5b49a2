// Original file: entrim/agent/v1/certs.proto

import type { CertificateRevocation as _entrim_agent_v1_CertificateRevocation, CertificateRevocation__Output as _entrim_agent_v1_CertificateRevocation__Output } from '../../../entrim/agent/v1/CertificateRevocation.js';

export interface ListCertificateRevocationsResponse {
  'revocations'?: (_entrim_agent_v1_CertificateRevocation)[];
}

export interface ListCertificateRevocationsResponse__Output {
  'revocations': (_entrim_agent_v1_CertificateRevocation__Output)[];
}
