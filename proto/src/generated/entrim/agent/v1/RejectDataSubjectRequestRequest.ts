// Original file: entrim/agent/v1/accounts.proto


export interface RejectDataSubjectRequestRequest {
  'id'?: (string);
  'reason'?: (string);
}

export interface RejectDataSubjectRequestRequest__Output {
  'id': (string);
  'reason': (string);
}
