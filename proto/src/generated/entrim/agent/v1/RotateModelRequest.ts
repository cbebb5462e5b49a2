// Original file: entrim/agent/v1/rollouts.proto


export interface RotateModelRequest {
  'node'?: (string);
  'model'?: (string);
  'version'?: (string);
  'reason'?: (string);
}

export interface RotateModelRequest__Output {
  'node': (string);
  'model': (string);
  'version': (string);
  'reason': (string);
}
