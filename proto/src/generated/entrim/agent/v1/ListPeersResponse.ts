// Original file: entrim/agent/v1/cluster.proto

import type { Peer as _entrim_agent_v1_Peer, Peer__Output as _entrim_agent_v1_Peer__Output } from '../../../entrim/agent/v1/Peer.js';

export interface ListPeersResponse {
  'peers'?: (_entrim_agent_v1_Peer)[];
  'answeredBy'?: (string);
  'leader'?: (string);
}

export interface ListPeersResponse__Output {
  'peers': (_entrim_agent_v1_Peer__Output)[];
  'answeredBy': (string);
  'leader': (string);
}
