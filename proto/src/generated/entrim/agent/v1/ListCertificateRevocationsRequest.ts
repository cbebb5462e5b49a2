// Original file: entrim/agent/v1/certs.proto


export interface ListCertificateRevocationsRequest {
}

export interface ListCertificateRevocationsRequest__Output {
}
