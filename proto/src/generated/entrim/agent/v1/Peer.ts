// Original file: entrim/agent/v1/cluster.proto

import type { NodeState as _entrim_agent_v1_NodeState, NodeState__Output as _entrim_agent_v1_NodeState__Output } from '../../../entrim/agent/v1/NodeState.js';
import type { Long } from '@grpc/proto-loader';

export interface Peer {
  'name'?: (string);
  'region'?: (string);
  'apiAddresses'?: (string)[];
  'controlAddress'?: (string);
  'metricsAddress'?: (string);
  'version'?: (string);
  'models'?: (string)[];
  'state'?: (_entrim_agent_v1_NodeState);
  'stateReason'?: (string);
  'startedAtMs'?: (number | string | Long);
  'heartbeatAtMs'?: (number | string | Long);
  'self'?: (boolean);
}

export interface Peer__Output {
  'name': (string);
  'region': (string);
  'apiAddresses': (string)[];
  'controlAddress': (string);
  'metricsAddress': (string);
  'version': (string);
  'models': (string)[];
  'state': (_entrim_agent_v1_NodeState__Output);
  'stateReason': (string);
  'startedAtMs': (number);
  'heartbeatAtMs': (number);
  'self': (boolean);
}
