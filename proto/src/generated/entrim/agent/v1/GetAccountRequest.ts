// Original file: entrim/agent/v1/accounts.proto


export interface GetAccountRequest {
  'id'?: (string);
  'usageFrom'?: (string);
  'usageTo'?: (string);
}

export interface GetAccountRequest__Output {
  'id': (string);
  'usageFrom': (string);
  'usageTo': (string);
}
