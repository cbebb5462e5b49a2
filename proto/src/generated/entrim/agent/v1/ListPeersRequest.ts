// Original file: entrim/agent/v1/cluster.proto


export interface ListPeersRequest {
  'includeStopped'?: (boolean);
}

export interface ListPeersRequest__Output {
  'includeStopped': (boolean);
}
