// Original file: entrim/agent/v1/accounts.proto


export interface ListAccountsRequest {
  'query'?: (string);
  'usageFrom'?: (string);
  'usageTo'?: (string);
  'limit'?: (number);
}

export interface ListAccountsRequest__Output {
  'query': (string);
  'usageFrom': (string);
  'usageTo': (string);
  'limit': (number);
}
