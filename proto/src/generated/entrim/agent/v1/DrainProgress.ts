// Original file: entrim/agent/v1/node.proto

import type { NodeState as _entrim_agent_v1_NodeState, NodeState__Output as _entrim_agent_v1_NodeState__Output } from '../../../entrim/agent/v1/NodeState.js';
import type { Long } from '@grpc/proto-loader';

export interface DrainProgress {
  'state'?: (_entrim_agent_v1_NodeState);
  'requestsInFlight'?: (number);
  'requestsQueued'?: (number);
  'deadlineAtMs'?: (number | string | Long);
  'requestsCutOff'?: (number);
  'done'?: (boolean);
}

export interface DrainProgress__Output {
  'state': (_entrim_agent_v1_NodeState__Output);
  'requestsInFlight': (number);
  'requestsQueued': (number);
  'deadlineAtMs': (number);
  'requestsCutOff': (number);
  'done': (boolean);
}
