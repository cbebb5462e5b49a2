// Original file: entrim/agent/v1/accounts.proto


export interface ExportAccountRequest {
  'accountId'?: (string);
  'reason'?: (string);
}

export interface ExportAccountRequest__Output {
  'accountId': (string);
  'reason': (string);
}
