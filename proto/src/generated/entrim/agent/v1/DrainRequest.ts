// Original file: entrim/agent/v1/node.proto


export interface DrainRequest {
  'reason'?: (string);
  'deadlineSeconds'?: (number);
}

export interface DrainRequest__Output {
  'reason': (string);
  'deadlineSeconds': (number);
}
