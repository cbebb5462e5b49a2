// Original file: entrim/agent/v1/audit.proto


export interface VerifyAuditRequest {
}

export interface VerifyAuditRequest__Output {
}
