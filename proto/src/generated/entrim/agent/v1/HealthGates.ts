// Original file: entrim/agent/v1/rollouts.proto


export interface HealthGates {
  'maxErrorRate'?: (number | string);
  'maxP95Ms'?: (number | string);
  'windowSeconds'?: (number);
}

export interface HealthGates__Output {
  'maxErrorRate': (number);
  'maxP95Ms': (number);
  'windowSeconds': (number);
}
