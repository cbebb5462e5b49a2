// Original file: entrim/agent/v1/accounts.proto


export interface ListApiKeysRequest {
  'accountId'?: (string);
}

export interface ListApiKeysRequest__Output {
  'accountId': (string);
}
