// Original file: entrim/agent/v1/abuse.proto


export interface ResolveAbuseFlagRequest {
  'id'?: (string);
  'note'?: (string);
}

export interface ResolveAbuseFlagRequest__Output {
  'id': (string);
  'note': (string);
}
