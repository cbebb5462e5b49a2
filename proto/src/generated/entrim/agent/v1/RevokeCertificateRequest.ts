// Original file: entrim/agent/v1/certs.proto


export interface RevokeCertificateRequest {
  'serialNumber'?: (string);
  'fingerprint'?: (string);
  'reason'?: (string);
}

export interface RevokeCertificateRequest__Output {
  'serialNumber': (string);
  'fingerprint': (string);
  'reason': (string);
}
