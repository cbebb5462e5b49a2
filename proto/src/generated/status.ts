import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { CancelMaintenanceRequest as _entrim_agent_v1_CancelMaintenanceRequest, CancelMaintenanceRequest__Output as _entrim_agent_v1_CancelMaintenanceRequest__Output } from './entrim/agent/v1/CancelMaintenanceRequest.js';
import type { GetPublicStatusRequest as _entrim_agent_v1_GetPublicStatusRequest, GetPublicStatusRequest__Output as _entrim_agent_v1_GetPublicStatusRequest__Output } from './entrim/agent/v1/GetPublicStatusRequest.js';
import type { GetPublicStatusResponse as _entrim_agent_v1_GetPublicStatusResponse, GetPublicStatusResponse__Output as _entrim_agent_v1_GetPublicStatusResponse__Output } from './entrim/agent/v1/GetPublicStatusResponse.js';
import type { IncidentUpdate as _entrim_agent_v1_IncidentUpdate, IncidentUpdate__Output as _entrim_agent_v1_IncidentUpdate__Output } from './entrim/agent/v1/IncidentUpdate.js';
import type { ListIncidentsRequest as _entrim_agent_v1_ListIncidentsRequest, ListIncidentsRequest__Output as _entrim_agent_v1_ListIncidentsRequest__Output } from './entrim/agent/v1/ListIncidentsRequest.js';
import type { ListIncidentsResponse as _entrim_agent_v1_ListIncidentsResponse, ListIncidentsResponse__Output as _entrim_agent_v1_ListIncidentsResponse__Output } from './entrim/agent/v1/ListIncidentsResponse.js';
import type { PostIncidentRequest as _entrim_agent_v1_PostIncidentRequest, PostIncidentRequest__Output as _entrim_agent_v1_PostIncidentRequest__Output } from './entrim/agent/v1/PostIncidentRequest.js';
import type { PostMaintenanceRequest as _entrim_agent_v1_PostMaintenanceRequest, PostMaintenanceRequest__Output as _entrim_agent_v1_PostMaintenanceRequest__Output } from './entrim/agent/v1/PostMaintenanceRequest.js';
import type { StatusIncident as _entrim_agent_v1_StatusIncident, StatusIncident__Output as _entrim_agent_v1_StatusIncident__Output } from './entrim/agent/v1/StatusIncident.js';
import type { StatusPageServiceClient as _entrim_agent_v1_StatusPageServiceClient, StatusPageServiceDefinition as _entrim_agent_v1_StatusPageServiceDefinition } from './entrim/agent/v1/StatusPageService.js';
import type { UpdateIncidentRequest as _entrim_agent_v1_UpdateIncidentRequest, UpdateIncidentRequest__Output as _entrim_agent_v1_UpdateIncidentRequest__Output } from './entrim/agent/v1/UpdateIncidentRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  entrim: {
    agent: {
      v1: {
        CancelMaintenanceRequest: MessageTypeDefinition<_entrim_agent_v1_CancelMaintenanceRequest, _entrim_agent_v1_CancelMaintenanceRequest__Output>
        GetPublicStatusRequest: MessageTypeDefinition<_entrim_agent_v1_GetPublicStatusRequest, _entrim_agent_v1_GetPublicStatusRequest__Output>
        GetPublicStatusResponse: MessageTypeDefinition<_entrim_agent_v1_GetPublicStatusResponse, _entrim_agent_v1_GetPublicStatusResponse__Output>
        IncidentKind: EnumTypeDefinition
        IncidentUpdate: MessageTypeDefinition<_entrim_agent_v1_IncidentUpdate, _entrim_agent_v1_IncidentUpdate__Output>
        ListIncidentsRequest: MessageTypeDefinition<_entrim_agent_v1_ListIncidentsRequest, _entrim_agent_v1_ListIncidentsRequest__Output>
        ListIncidentsResponse: MessageTypeDefinition<_entrim_agent_v1_ListIncidentsResponse, _entrim_agent_v1_ListIncidentsResponse__Output>
        PostIncidentRequest: MessageTypeDefinition<_entrim_agent_v1_PostIncidentRequest, _entrim_agent_v1_PostIncidentRequest__Output>
        PostMaintenanceRequest: MessageTypeDefinition<_entrim_agent_v1_PostMaintenanceRequest, _entrim_agent_v1_PostMaintenanceRequest__Output>
        StatusIncident: MessageTypeDefinition<_entrim_agent_v1_StatusIncident, _entrim_agent_v1_StatusIncident__Output>
        StatusPageService: SubtypeConstructor<typeof grpc.Client, _entrim_agent_v1_StatusPageServiceClient> & { service: _entrim_agent_v1_StatusPageServiceDefinition }
        UpdateIncidentRequest: MessageTypeDefinition<_entrim_agent_v1_UpdateIncidentRequest, _entrim_agent_v1_UpdateIncidentRequest__Output>
      }
    }
  }
}

