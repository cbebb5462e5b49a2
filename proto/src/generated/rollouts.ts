import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { CatalogModel as _entrim_agent_v1_CatalogModel, CatalogModel__Output as _entrim_agent_v1_CatalogModel__Output } from './entrim/agent/v1/CatalogModel.js';
import type { CatalogVersion as _entrim_agent_v1_CatalogVersion, CatalogVersion__Output as _entrim_agent_v1_CatalogVersion__Output } from './entrim/agent/v1/CatalogVersion.js';
import type { GetRolloutRequest as _entrim_agent_v1_GetRolloutRequest, GetRolloutRequest__Output as _entrim_agent_v1_GetRolloutRequest__Output } from './entrim/agent/v1/GetRolloutRequest.js';
import type { HealthGates as _entrim_agent_v1_HealthGates, HealthGates__Output as _entrim_agent_v1_HealthGates__Output } from './entrim/agent/v1/HealthGates.js';
import type { ListModelsRequest as _entrim_agent_v1_ListModelsRequest, ListModelsRequest__Output as _entrim_agent_v1_ListModelsRequest__Output } from './entrim/agent/v1/ListModelsRequest.js';
import type { ListModelsResponse as _entrim_agent_v1_ListModelsResponse, ListModelsResponse__Output as _entrim_agent_v1_ListModelsResponse__Output } from './entrim/agent/v1/ListModelsResponse.js';
import type { ListRolloutsRequest as _entrim_agent_v1_ListRolloutsRequest, ListRolloutsRequest__Output as _entrim_agent_v1_ListRolloutsRequest__Output } from './entrim/agent/v1/ListRolloutsRequest.js';
import type { ListRolloutsResponse as _entrim_agent_v1_ListRolloutsResponse, ListRolloutsResponse__Output as _entrim_agent_v1_ListRolloutsResponse__Output } from './entrim/agent/v1/ListRolloutsResponse.js';
import type { NodeModelPlacement as _entrim_agent_v1_NodeModelPlacement, NodeModelPlacement__Output as _entrim_agent_v1_NodeModelPlacement__Output } from './entrim/agent/v1/NodeModelPlacement.js';
import type { Rollout as _entrim_agent_v1_Rollout, Rollout__Output as _entrim_agent_v1_Rollout__Output } from './entrim/agent/v1/Rollout.js';
import type { RolloutActionRequest as _entrim_agent_v1_RolloutActionRequest, RolloutActionRequest__Output as _entrim_agent_v1_RolloutActionRequest__Output } from './entrim/agent/v1/RolloutActionRequest.js';
import type { RolloutNode as _entrim_agent_v1_RolloutNode, RolloutNode__Output as _entrim_agent_v1_RolloutNode__Output } from './entrim/agent/v1/RolloutNode.js';
import type { RolloutServiceClient as _entrim_agent_v1_RolloutServiceClient, RolloutServiceDefinition as _entrim_agent_v1_RolloutServiceDefinition } from './entrim/agent/v1/RolloutService.js';
import type { RolloutTargets as _entrim_agent_v1_RolloutTargets, RolloutTargets__Output as _entrim_agent_v1_RolloutTargets__Output } from './entrim/agent/v1/RolloutTargets.js';
import type { RotateModelRequest as _entrim_agent_v1_RotateModelRequest, RotateModelRequest__Output as _entrim_agent_v1_RotateModelRequest__Output } from './entrim/agent/v1/RotateModelRequest.js';
import type { RotationProgress as _entrim_agent_v1_RotationProgress, RotationProgress__Output as _entrim_agent_v1_RotationProgress__Output } from './entrim/agent/v1/RotationProgress.js';
import type { StartRolloutRequest as _entrim_agent_v1_StartRolloutRequest, StartRolloutRequest__Output as _entrim_agent_v1_StartRolloutRequest__Output } from './entrim/agent/v1/StartRolloutRequest.js';
import type { VersionHealth as _entrim_agent_v1_VersionHealth, VersionHealth__Output as _entrim_agent_v1_VersionHealth__Output } from './entrim/agent/v1/VersionHealth.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  entrim: {
    agent: {
      v1: {
        CatalogModel: MessageTypeDefinition<_entrim_agent_v1_CatalogModel, _entrim_agent_v1_CatalogModel__Output>
        CatalogVersion: MessageTypeDefinition<_entrim_agent_v1_CatalogVersion, _entrim_agent_v1_CatalogVersion__Output>
        GetRolloutRequest: MessageTypeDefinition<_entrim_agent_v1_GetRolloutRequest, _entrim_agent_v1_GetRolloutRequest__Output>
        HealthGates: MessageTypeDefinition<_entrim_agent_v1_HealthGates, _entrim_agent_v1_HealthGates__Output>
        ListModelsRequest: MessageTypeDefinition<_entrim_agent_v1_ListModelsRequest, _entrim_agent_v1_ListModelsRequest__Output>
        ListModelsResponse: MessageTypeDefinition<_entrim_agent_v1_ListModelsResponse, _entrim_agent_v1_ListModelsResponse__Output>
        ListRolloutsRequest: MessageTypeDefinition<_entrim_agent_v1_ListRolloutsRequest, _entrim_agent_v1_ListRolloutsRequest__Output>
        ListRolloutsResponse: MessageTypeDefinition<_entrim_agent_v1_ListRolloutsResponse, _entrim_agent_v1_ListRolloutsResponse__Output>
        NodeModelPlacement: MessageTypeDefinition<_entrim_agent_v1_NodeModelPlacement, _entrim_agent_v1_NodeModelPlacement__Output>
        Rollout: MessageTypeDefinition<_entrim_agent_v1_Rollout, _entrim_agent_v1_Rollout__Output>
        RolloutActionRequest: MessageTypeDefinition<_entrim_agent_v1_RolloutActionRequest, _entrim_agent_v1_RolloutActionRequest__Output>
        RolloutNode: MessageTypeDefinition<_entrim_agent_v1_RolloutNode, _entrim_agent_v1_RolloutNode__Output>
        RolloutNodeState: EnumTypeDefinition
        RolloutService: SubtypeConstructor<typeof grpc.Client, _entrim_agent_v1_RolloutServiceClient> & { service: _entrim_agent_v1_RolloutServiceDefinition }
        RolloutState: EnumTypeDefinition
        RolloutTargets: MessageTypeDefinition<_entrim_agent_v1_RolloutTargets, _entrim_agent_v1_RolloutTargets__Output>
        RotateModelRequest: MessageTypeDefinition<_entrim_agent_v1_RotateModelRequest, _entrim_agent_v1_RotateModelRequest__Output>
        RotationProgress: MessageTypeDefinition<_entrim_agent_v1_RotationProgress, _entrim_agent_v1_RotationProgress__Output>
        StartRolloutRequest: MessageTypeDefinition<_entrim_agent_v1_StartRolloutRequest, _entrim_agent_v1_StartRolloutRequest__Output>
        VersionHealth: MessageTypeDefinition<_entrim_agent_v1_VersionHealth, _entrim_agent_v1_VersionHealth__Output>
      }
    }
  }
}

