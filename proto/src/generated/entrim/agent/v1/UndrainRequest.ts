// Original file: entrim/agent/v1/node.proto


export interface UndrainRequest {
  'reason'?: (string);
}

export interface UndrainRequest__Output {
  'reason': (string);
}
