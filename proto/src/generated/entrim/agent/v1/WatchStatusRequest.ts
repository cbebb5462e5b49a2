// Original file: entrim/agent/v1/node.proto


export interface WatchStatusRequest {
  'intervalMs'?: (number);
}

export interface WatchStatusRequest__Output {
  'intervalMs': (number);
}
