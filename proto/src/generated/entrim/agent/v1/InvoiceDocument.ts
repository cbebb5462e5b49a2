// Original file: entrim/agent/v1/accounts.proto


export interface InvoiceDocument {
  'filename'?: (string);
  'contentType'?: (string);
  'content'?: (string);
  'data'?: (Buffer | Uint8Array | string);
}

export interface InvoiceDocument__Output {
  'filename': (string);
  'contentType': (string);
  'content': (string);
  'data': (Buffer);
}
