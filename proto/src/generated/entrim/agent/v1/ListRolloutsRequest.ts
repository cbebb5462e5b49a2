// Original file: entrim/agent/v1/rollouts.proto


export interface ListRolloutsRequest {
  'model'?: (string);
  'activeOnly'?: (boolean);
  'limit'?: (number);
}

export interface ListRolloutsRequest__Output {
  'model': (string);
  'activeOnly': (boolean);
  'limit': (number);
}
