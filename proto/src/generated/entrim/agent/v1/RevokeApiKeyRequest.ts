// Original file: entrim/agent/v1/accounts.proto


export interface RevokeApiKeyRequest {
  'keyId'?: (string);
  'reason'?: (string);
}

export interface RevokeApiKeyRequest__Output {
  'keyId': (string);
  'reason': (string);
}
