// Original file: entrim/agent/v1/accounts.proto


export interface CompleteDataSubjectRequestRequest {
  'id'?: (string);
  'note'?: (string);
}

export interface CompleteDataSubjectRequestRequest__Output {
  'id': (string);
  'note': (string);
}
