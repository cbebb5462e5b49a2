// Original file: entrim/agent/v1/accounts.proto


export interface GetInvoiceRequest {
  'id'?: (string);
}

export interface GetInvoiceRequest__Output {
  'id': (string);
}
