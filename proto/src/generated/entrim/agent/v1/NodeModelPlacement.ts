// Original file: entrim/agent/v1/rollouts.proto


export interface NodeModelPlacement {
  'node'?: (string);
  'liveVersion'?: (string);
  'stagedVersion'?: (string);
  'desiredVersion'?: (string);
  'state'?: (string);
  'error'?: (string);
}

export interface NodeModelPlacement__Output {
  'node': (string);
  'liveVersion': (string);
  'stagedVersion': (string);
  'desiredVersion': (string);
  'state': (string);
  'error': (string);
}
