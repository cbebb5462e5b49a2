// Original file: entrim/agent/v1/accounts.proto


export interface Limit {
  'value'?: (string);
  'source'?: (string);
}

export interface Limit__Output {
  'value': (string);
  'source': (string);
}
