// Original file: entrim/agent/v1/status.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CancelMaintenanceRequest as _entrim_agent_v1_CancelMaintenanceRequest, CancelMaintenanceRequest__Output as _entrim_agent_v1_CancelMaintenanceRequest__Output } from '../../../entrim/agent/v1/CancelMaintenanceRequest.js';
import type { GetPublicStatusRequest as _entrim_agent_v1_GetPublicStatusRequest, GetPublicStatusRequest__Output as _entrim_agent_v1_GetPublicStatusRequest__Output } from '../../../entrim/agent/v1/GetPublicStatusRequest.js';
import type { GetPublicStatusResponse as _entrim_agent_v1_GetPublicStatusResponse, GetPublicStatusResponse__Output as _entrim_agent_v1_GetPublicStatusResponse__Output } from '../../../entrim/agent/v1/GetPublicStatusResponse.js';
import type { ListIncidentsRequest as _entrim_agent_v1_ListIncidentsRequest, ListIncidentsRequest__Output as _entrim_agent_v1_ListIncidentsRequest__Output } from '../../../entrim/agent/v1/ListIncidentsRequest.js';
import type { ListIncidentsResponse as _entrim_agent_v1_ListIncidentsResponse, ListIncidentsResponse__Output as _entrim_agent_v1_ListIncidentsResponse__Output } from '../../../entrim/agent/v1/ListIncidentsResponse.js';
import type { PostIncidentRequest as _entrim_agent_v1_PostIncidentRequest, PostIncidentRequest__Output as _entrim_agent_v1_PostIncidentRequest__Output } from '../../../entrim/agent/v1/PostIncidentRequest.js';
import type { PostMaintenanceRequest as _entrim_agent_v1_PostMaintenanceRequest, PostMaintenanceRequest__Output as _entrim_agent_v1_PostMaintenanceRequest__Output } from '../../../entrim/agent/v1/PostMaintenanceRequest.js';
import type { StatusIncident as _entrim_agent_v1_StatusIncident, StatusIncident__Output as _entrim_agent_v1_StatusIncident__Output } from '../../../entrim/agent/v1/StatusIncident.js';
import type { UpdateIncidentRequest as _entrim_agent_v1_UpdateIncidentRequest, UpdateIncidentRequest__Output as _entrim_agent_v1_UpdateIncidentRequest__Output } from '../../../entrim/agent/v1/UpdateIncidentRequest.js';

export interface StatusPageServiceClient extends grpc.Client {
  CancelMaintenance(argument: _entrim_agent_v1_CancelMaintenanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  CancelMaintenance(argument: _entrim_agent_v1_CancelMaintenanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  CancelMaintenance(argument: _entrim_agent_v1_CancelMaintenanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  CancelMaintenance(argument: _entrim_agent_v1_CancelMaintenanceRequest, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  cancelMaintenance(argument: _entrim_agent_v1_CancelMaintenanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  cancelMaintenance(argument: _entrim_agent_v1_CancelMaintenanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  cancelMaintenance(argument: _entrim_agent_v1_CancelMaintenanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  cancelMaintenance(argument: _entrim_agent_v1_CancelMaintenanceRequest, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  
  GetPublicStatus(argument: _entrim_agent_v1_GetPublicStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_GetPublicStatusResponse__Output>): grpc.ClientUnaryCall;
  GetPublicStatus(argument: _entrim_agent_v1_GetPublicStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_GetPublicStatusResponse__Output>): grpc.ClientUnaryCall;
  GetPublicStatus(argument: _entrim_agent_v1_GetPublicStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_GetPublicStatusResponse__Output>): grpc.ClientUnaryCall;
  GetPublicStatus(argument: _entrim_agent_v1_GetPublicStatusRequest, callback: grpc.requestCallback<_entrim_agent_v1_GetPublicStatusResponse__Output>): grpc.ClientUnaryCall;
  getPublicStatus(argument: _entrim_agent_v1_GetPublicStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_GetPublicStatusResponse__Output>): grpc.ClientUnaryCall;
  getPublicStatus(argument: _entrim_agent_v1_GetPublicStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_GetPublicStatusResponse__Output>): grpc.ClientUnaryCall;
  getPublicStatus(argument: _entrim_agent_v1_GetPublicStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_GetPublicStatusResponse__Output>): grpc.ClientUnaryCall;
  getPublicStatus(argument: _entrim_agent_v1_GetPublicStatusRequest, callback: grpc.requestCallback<_entrim_agent_v1_GetPublicStatusResponse__Output>): grpc.ClientUnaryCall;
  
  ListIncidents(argument: _entrim_agent_v1_ListIncidentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListIncidentsResponse__Output>): grpc.ClientUnaryCall;
  ListIncidents(argument: _entrim_agent_v1_ListIncidentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListIncidentsResponse__Output>): grpc.ClientUnaryCall;
  ListIncidents(argument: _entrim_agent_v1_ListIncidentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListIncidentsResponse__Output>): grpc.ClientUnaryCall;
  ListIncidents(argument: _entrim_agent_v1_ListIncidentsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListIncidentsResponse__Output>): grpc.ClientUnaryCall;
  listIncidents(argument: _entrim_agent_v1_ListIncidentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListIncidentsResponse__Output>): grpc.ClientUnaryCall;
  listIncidents(argument: _entrim_agent_v1_ListIncidentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListIncidentsResponse__Output>): grpc.ClientUnaryCall;
  listIncidents(argument: _entrim_agent_v1_ListIncidentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListIncidentsResponse__Output>): grpc.ClientUnaryCall;
  listIncidents(argument: _entrim_agent_v1_ListIncidentsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListIncidentsResponse__Output>): grpc.ClientUnaryCall;
  
  PostIncident(argument: _entrim_agent_v1_PostIncidentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  PostIncident(argument: _entrim_agent_v1_PostIncidentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  PostIncident(argument: _entrim_agent_v1_PostIncidentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  PostIncident(argument: _entrim_agent_v1_PostIncidentRequest, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  postIncident(argument: _entrim_agent_v1_PostIncidentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  postIncident(argument: _entrim_agent_v1_PostIncidentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  postIncident(argument: _entrim_agent_v1_PostIncidentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  postIncident(argument: _entrim_agent_v1_PostIncidentRequest, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  
  PostMaintenance(argument: _entrim_agent_v1_PostMaintenanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  PostMaintenance(argument: _entrim_agent_v1_PostMaintenanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  PostMaintenance(argument: _entrim_agent_v1_PostMaintenanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  PostMaintenance(argument: _entrim_agent_v1_PostMaintenanceRequest, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  postMaintenance(argument: _entrim_agent_v1_PostMaintenanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  postMaintenance(argument: _entrim_agent_v1_PostMaintenanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  postMaintenance(argument: _entrim_agent_v1_PostMaintenanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  postMaintenance(argument: _entrim_agent_v1_PostMaintenanceRequest, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  
  UpdateIncident(argument: _entrim_agent_v1_UpdateIncidentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  UpdateIncident(argument: _entrim_agent_v1_UpdateIncidentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  UpdateIncident(argument: _entrim_agent_v1_UpdateIncidentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  UpdateIncident(argument: _entrim_agent_v1_UpdateIncidentRequest, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  updateIncident(argument: _entrim_agent_v1_UpdateIncidentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  updateIncident(argument: _entrim_agent_v1_UpdateIncidentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  updateIncident(argument: _entrim_agent_v1_UpdateIncidentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  updateIncident(argument: _entrim_agent_v1_UpdateIncidentRequest, callback: grpc.requestCallback<_entrim_agent_v1_StatusIncident__Output>): grpc.ClientUnaryCall;
  
}

export interface StatusPageServiceHandlers extends grpc.UntypedServiceImplementation {
  CancelMaintenance: grpc.handleUnaryCall<_entrim_agent_v1_CancelMaintenanceRequest__Output, _entrim_agent_v1_StatusIncident>;
  
  GetPublicStatus: grpc.handleUnaryCall<_entrim_agent_v1_GetPublicStatusRequest__Output, _entrim_agent_v1_GetPublicStatusResponse>;
  
  ListIncidents: grpc.handleUnaryCall<_entrim_agent_v1_ListIncidentsRequest__Output, _entrim_agent_v1_ListIncidentsResponse>;
  
  PostIncident: grpc.handleUnaryCall<_entrim_agent_v1_PostIncidentRequest__Output, _entrim_agent_v1_StatusIncident>;
  
  PostMaintenance: grpc.handleUnaryCall<_entrim_agent_v1_PostMaintenanceRequest__Output, _entrim_agent_v1_StatusIncident>;
  
  UpdateIncident: grpc.handleUnaryCall<_entrim_agent_v1_UpdateIncidentRequest__Output, _entrim_agent_v1_StatusIncident>;
  
}

export interface StatusPageServiceDefinition extends grpc.ServiceDefinition {
  CancelMaintenance: MethodDefinition<_entrim_agent_v1_CancelMaintenanceRequest, _entrim_agent_v1_StatusIncident, _entrim_agent_v1_CancelMaintenanceRequest__Output, _entrim_agent_v1_StatusIncident__Output>
  GetPublicStatus: MethodDefinition<_entrim_agent_v1_GetPublicStatusRequest, _entrim_agent_v1_GetPublicStatusResponse, _entrim_agent_v1_GetPublicStatusRequest__Output, _entrim_agent_v1_GetPublicStatusResponse__Output>
  ListIncidents: MethodDefinition<_entrim_agent_v1_ListIncidentsRequest, _entrim_agent_v1_ListIncidentsResponse, _entrim_agent_v1_ListIncidentsRequest__Output, _entrim_agent_v1_ListIncidentsResponse__Output>
  PostIncident: MethodDefinition<_entrim_agent_v1_PostIncidentRequest, _entrim_agent_v1_StatusIncident, _entrim_agent_v1_PostIncidentRequest__Output, _entrim_agent_v1_StatusIncident__Output>
  PostMaintenance: MethodDefinition<_entrim_agent_v1_PostMaintenanceRequest, _entrim_agent_v1_StatusIncident, _entrim_agent_v1_PostMaintenanceRequest__Output, _entrim_agent_v1_StatusIncident__Output>
  UpdateIncident: MethodDefinition<_entrim_agent_v1_UpdateIncidentRequest, _entrim_agent_v1_StatusIncident, _entrim_agent_v1_UpdateIncidentRequest__Output, _entrim_agent_v1_StatusIncident__Output>
}
