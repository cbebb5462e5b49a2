// Original file: entrim/agent/v1/node.proto

import type { NodeState as _entrim_agent_v1_NodeState, NodeState__Output as _entrim_agent_v1_NodeState__Output } from '../../../entrim/agent/v1/NodeState.js';

export interface UndrainResponse {
  'state'?: (_entrim_agent_v1_NodeState);
}

export interface UndrainResponse__Output {
  'state': (_entrim_agent_v1_NodeState__Output);
}
