// Original file: entrim/agent/v1/accounts.proto


export interface GetLimitsRequest {
  'accountId'?: (string);
  'keyId'?: (string);
}

export interface GetLimitsRequest__Output {
  'accountId': (string);
  'keyId': (string);
}
