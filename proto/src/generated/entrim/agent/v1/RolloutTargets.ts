// Original file: entrim/agent/v1/rollouts.proto


export interface RolloutTargets {
  'nodes'?: (string)[];
  'regions'?: (string)[];
  'labels'?: ({[key: string]: string});
}

export interface RolloutTargets__Output {
  'nodes': (string)[];
  'regions': (string)[];
  'labels': ({[key: string]: string});
}
