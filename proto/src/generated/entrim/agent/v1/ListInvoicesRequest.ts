// Original file: entrim/agent/v1/accounts.proto


export interface ListInvoicesRequest {
  'accountId'?: (string);
  'month'?: (string);
  'status'?: (string);
  'limit'?: (number);
}

export interface ListInvoicesRequest__Output {
  'accountId': (string);
  'month': (string);
  'status': (string);
  'limit': (number);
}
