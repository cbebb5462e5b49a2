// Original file: entrim/agent/v1/rollouts.proto

import type { CatalogVersion as _entrim_agent_v1_CatalogVersion, CatalogVersion__Output as _entrim_agent_v1_CatalogVersion__Output } from '../../../entrim/agent/v1/CatalogVersion.js';
import type { NodeModelPlacement as _entrim_agent_v1_NodeModelPlacement, NodeModelPlacement__Output as _entrim_agent_v1_NodeModelPlacement__Output } from '../../../entrim/agent/v1/NodeModelPlacement.js';

export interface CatalogModel {
  'name'?: (string);
  'description'?: (string);
  'versions'?: (_entrim_agent_v1_CatalogVersion)[];
  'nodes'?: (_entrim_agent_v1_NodeModelPlacement)[];
}

export interface CatalogModel__Output {
  'name': (string);
  'description': (string);
  'versions': (_entrim_agent_v1_CatalogVersion__Output)[];
  'nodes': (_entrim_agent_v1_NodeModelPlacement__Output)[];
}
