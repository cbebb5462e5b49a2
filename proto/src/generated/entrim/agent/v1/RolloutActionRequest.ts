// Original file: entrim/agent/v1/rollouts.proto


export interface RolloutActionRequest {
  'id'?: (string);
  'reason'?: (string);
}

export interface RolloutActionRequest__Output {
  'id': (string);
  'reason': (string);
}
