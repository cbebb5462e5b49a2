// Original file: entrim/agent/v1/certs.proto

import type { CertificateRevocation as _entrim_agent_v1_CertificateRevocation, CertificateRevocation__Output as _entrim_agent_v1_CertificateRevocation__Output } from '../../../entrim/agent/v1/CertificateRevocation.js';

export interface RevokeCertificateResponse {
  'revocation'?: (_entrim_agent_v1_CertificateRevocation | null);
  'created'?: (boolean);
}

export interface RevokeCertificateResponse__Output {
  'revocation': (_entrim_agent_v1_CertificateRevocation__Output | null);
  'created': (boolean);
}
