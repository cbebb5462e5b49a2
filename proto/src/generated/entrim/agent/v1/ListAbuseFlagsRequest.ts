// Original file: entrim/agent/v1/abuse.proto


export interface ListAbuseFlagsRequest {
  'includeResolved'?: (boolean);
  'limit'?: (number);
}

export interface ListAbuseFlagsRequest__Output {
  'includeResolved': (boolean);
  'limit': (number);
}
