// Original file: entrim/agent/v1/rollouts.proto

import type { CatalogModel as _entrim_agent_v1_CatalogModel, CatalogModel__Output as _entrim_agent_v1_CatalogModel__Output } from '../../../entrim/agent/v1/CatalogModel.js';

export interface ListModelsResponse {
  'models'?: (_entrim_agent_v1_CatalogModel)[];
}

export interface ListModelsResponse__Output {
  'models': (_entrim_agent_v1_CatalogModel__Output)[];
}
