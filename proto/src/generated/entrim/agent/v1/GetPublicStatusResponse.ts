// Original file: entrim/agent/v1/status.proto


export interface GetPublicStatusResponse {
  'json'?: (string);
}

export interface GetPublicStatusResponse__Output {
  'json': (string);
}
