// Original file: entrim/agent/v1/accounts.proto


export interface SetLimitsRequest {
  'accountId'?: (string);
  'keyId'?: (string);
  'rpm'?: (string);
  'tpm'?: (string);
  'concurrency'?: (string);
  'spendCapEur'?: (string);
  'clear'?: (string)[];
  'reason'?: (string);
}

export interface SetLimitsRequest__Output {
  'accountId': (string);
  'keyId': (string);
  'rpm': (string);
  'tpm': (string);
  'concurrency': (string);
  'spendCapEur': (string);
  'clear': (string)[];
  'reason': (string);
}
