// Original file: entrim/agent/v1/accounts.proto


export interface AccountActionRequest {
  'accountId'?: (string);
  'reason'?: (string);
  'confirmAccountId'?: (string);
}

export interface AccountActionRequest__Output {
  'accountId': (string);
  'reason': (string);
  'confirmAccountId': (string);
}
