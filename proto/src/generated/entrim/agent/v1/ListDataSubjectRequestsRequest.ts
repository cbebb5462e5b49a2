// Original file: entrim/agent/v1/accounts.proto


export interface ListDataSubjectRequestsRequest {
  'status'?: (string);
  'accountId'?: (string);
  'limit'?: (number);
}

export interface ListDataSubjectRequestsRequest__Output {
  'status': (string);
  'accountId': (string);
  'limit': (number);
}
