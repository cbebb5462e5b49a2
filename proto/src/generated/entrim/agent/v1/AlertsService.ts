// Original file: entrim/agent/v1/alerts.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AcknowledgeAlertRequest as _entrim_agent_v1_AcknowledgeAlertRequest, AcknowledgeAlertRequest__Output as _entrim_agent_v1_AcknowledgeAlertRequest__Output } from '../../../entrim/agent/v1/AcknowledgeAlertRequest.js';
import type { Alert as _entrim_agent_v1_Alert, Alert__Output as _entrim_agent_v1_Alert__Output } from '../../../entrim/agent/v1/Alert.js';
import type { AlertTimeline as _entrim_agent_v1_AlertTimeline, AlertTimeline__Output as _entrim_agent_v1_AlertTimeline__Output } from '../../../entrim/agent/v1/AlertTimeline.js';
import type { AlertsUpdate as _entrim_agent_v1_AlertsUpdate, AlertsUpdate__Output as _entrim_agent_v1_AlertsUpdate__Output } from '../../../entrim/agent/v1/AlertsUpdate.js';
import type { GetAlertTimelineRequest as _entrim_agent_v1_GetAlertTimelineRequest, GetAlertTimelineRequest__Output as _entrim_agent_v1_GetAlertTimelineRequest__Output } from '../../../entrim/agent/v1/GetAlertTimelineRequest.js';
import type { ListAlertsRequest as _entrim_agent_v1_ListAlertsRequest, ListAlertsRequest__Output as _entrim_agent_v1_ListAlertsRequest__Output } from '../../../entrim/agent/v1/ListAlertsRequest.js';
import type { ListAlertsResponse as _entrim_agent_v1_ListAlertsResponse, ListAlertsResponse__Output as _entrim_agent_v1_ListAlertsResponse__Output } from '../../../entrim/agent/v1/ListAlertsResponse.js';
import type { SilenceAlertRequest as _entrim_agent_v1_SilenceAlertRequest, SilenceAlertRequest__Output as _entrim_agent_v1_SilenceAlertRequest__Output } from '../../../entrim/agent/v1/SilenceAlertRequest.js';
import type { UnsilenceAlertRequest as _entrim_agent_v1_UnsilenceAlertRequest, UnsilenceAlertRequest__Output as _entrim_agent_v1_UnsilenceAlertRequest__Output } from '../../../entrim/agent/v1/UnsilenceAlertRequest.js';
import type { WatchAlertsRequest as _entrim_agent_v1_WatchAlertsRequest, WatchAlertsRequest__Output as _entrim_agent_v1_WatchAlertsRequest__Output } from '../../../entrim/agent/v1/WatchAlertsRequest.js';

export interface AlertsServiceClient extends grpc.Client {
  AcknowledgeAlert(argument: _entrim_agent_v1_AcknowledgeAlertRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  AcknowledgeAlert(argument: _entrim_agent_v1_AcknowledgeAlertRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  AcknowledgeAlert(argument: _entrim_agent_v1_AcknowledgeAlertRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  AcknowledgeAlert(argument: _entrim_agent_v1_AcknowledgeAlertRequest, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  acknowledgeAlert(argument: _entrim_agent_v1_AcknowledgeAlertRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  acknowledgeAlert(argument: _entrim_agent_v1_AcknowledgeAlertRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  acknowledgeAlert(argument: _entrim_agent_v1_AcknowledgeAlertRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  acknowledgeAlert(argument: _entrim_agent_v1_AcknowledgeAlertRequest, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  
  GetAlertTimeline(argument: _entrim_agent_v1_GetAlertTimelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AlertTimeline__Output>): grpc.ClientUnaryCall;
  GetAlertTimeline(argument: _entrim_agent_v1_GetAlertTimelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_AlertTimeline__Output>): grpc.ClientUnaryCall;
  GetAlertTimeline(argument: _entrim_agent_v1_GetAlertTimelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AlertTimeline__Output>): grpc.ClientUnaryCall;
  GetAlertTimeline(argument: _entrim_agent_v1_GetAlertTimelineRequest, callback: grpc.requestCallback<_entrim_agent_v1_AlertTimeline__Output>): grpc.ClientUnaryCall;
  getAlertTimeline(argument: _entrim_agent_v1_GetAlertTimelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AlertTimeline__Output>): grpc.ClientUnaryCall;
  getAlertTimeline(argument: _entrim_agent_v1_GetAlertTimelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_AlertTimeline__Output>): grpc.ClientUnaryCall;
  getAlertTimeline(argument: _entrim_agent_v1_GetAlertTimelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AlertTimeline__Output>): grpc.ClientUnaryCall;
  getAlertTimeline(argument: _entrim_agent_v1_GetAlertTimelineRequest, callback: grpc.requestCallback<_entrim_agent_v1_AlertTimeline__Output>): grpc.ClientUnaryCall;
  
  ListAlerts(argument: _entrim_agent_v1_ListAlertsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAlertsResponse__Output>): grpc.ClientUnaryCall;
  ListAlerts(argument: _entrim_agent_v1_ListAlertsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListAlertsResponse__Output>): grpc.ClientUnaryCall;
  ListAlerts(argument: _entrim_agent_v1_ListAlertsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAlertsResponse__Output>): grpc.ClientUnaryCall;
  ListAlerts(argument: _entrim_agent_v1_ListAlertsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListAlertsResponse__Output>): grpc.ClientUnaryCall;
  listAlerts(argument: _entrim_agent_v1_ListAlertsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAlertsResponse__Output>): grpc.ClientUnaryCall;
  listAlerts(argument: _entrim_agent_v1_ListAlertsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListAlertsResponse__Output>): grpc.ClientUnaryCall;
  listAlerts(argument: _entrim_agent_v1_ListAlertsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAlertsResponse__Output>): grpc.ClientUnaryCall;
  listAlerts(argument: _entrim_agent_v1_ListAlertsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListAlertsResponse__Output>): grpc.ClientUnaryCall;
  
  SilenceAlert(argument: _entrim_agent_v1_SilenceAlertRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  SilenceAlert(argument: _entrim_agent_v1_SilenceAlertRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  SilenceAlert(argument: _entrim_agent_v1_SilenceAlertRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  SilenceAlert(argument: _entrim_agent_v1_SilenceAlertRequest, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  silenceAlert(argument: _entrim_agent_v1_SilenceAlertRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  silenceAlert(argument: _entrim_agent_v1_SilenceAlertRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  silenceAlert(argument: _entrim_agent_v1_SilenceAlertRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  silenceAlert(argument: _entrim_agent_v1_SilenceAlertRequest, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  
  UnsilenceAlert(argument: _entrim_agent_v1_UnsilenceAlertRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  UnsilenceAlert(argument: _entrim_agent_v1_UnsilenceAlertRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  UnsilenceAlert(argument: _entrim_agent_v1_UnsilenceAlertRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  UnsilenceAlert(argument: _entrim_agent_v1_UnsilenceAlertRequest, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  unsilenceAlert(argument: _entrim_agent_v1_UnsilenceAlertRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  unsilenceAlert(argument: _entrim_agent_v1_UnsilenceAlertRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  unsilenceAlert(argument: _entrim_agent_v1_UnsilenceAlertRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  unsilenceAlert(argument: _entrim_agent_v1_UnsilenceAlertRequest, callback: grpc.requestCallback<_entrim_agent_v1_Alert__Output>): grpc.ClientUnaryCall;
  
  WatchAlerts(argument: _entrim_agent_v1_WatchAlertsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_AlertsUpdate__Output>;
  WatchAlerts(argument: _entrim_agent_v1_WatchAlertsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_AlertsUpdate__Output>;
  watchAlerts(argument: _entrim_agent_v1_WatchAlertsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_AlertsUpdate__Output>;
  watchAlerts(argument: _entrim_agent_v1_WatchAlertsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_AlertsUpdate__Output>;
  
}

export interface AlertsServiceHandlers extends grpc.UntypedServiceImplementation {
  AcknowledgeAlert: grpc.handleUnaryCall<_entrim_agent_v1_AcknowledgeAlertRequest__Output, _entrim_agent_v1_Alert>;
  
  GetAlertTimeline: grpc.handleUnaryCall<_entrim_agent_v1_GetAlertTimelineRequest__Output, _entrim_agent_v1_AlertTimeline>;
  
  ListAlerts: grpc.handleUnaryCall<_entrim_agent_v1_ListAlertsRequest__Output, _entrim_agent_v1_ListAlertsResponse>;
  
  SilenceAlert: grpc.handleUnaryCall<_entrim_agent_v1_SilenceAlertRequest__Output, _entrim_agent_v1_Alert>;
  
  UnsilenceAlert: grpc.handleUnaryCall<_entrim_agent_v1_UnsilenceAlertRequest__Output, _entrim_agent_v1_Alert>;
  
  WatchAlerts: grpc.handleServerStreamingCall<_entrim_agent_v1_WatchAlertsRequest__Output, _entrim_agent_v1_AlertsUpdate>;
  
}

export interface AlertsServiceDefinition extends grpc.ServiceDefinition {
  AcknowledgeAlert: MethodDefinition<_entrim_agent_v1_AcknowledgeAlertRequest, _entrim_agent_v1_Alert, _entrim_agent_v1_AcknowledgeAlertRequest__Output, _entrim_agent_v1_Alert__Output>
  GetAlertTimeline: MethodDefinition<_entrim_agent_v1_GetAlertTimelineRequest, _entrim_agent_v1_AlertTimeline, _entrim_agent_v1_GetAlertTimelineRequest__Output, _entrim_agent_v1_AlertTimeline__Output>
  ListAlerts: MethodDefinition<_entrim_agent_v1_ListAlertsRequest, _entrim_agent_v1_ListAlertsResponse, _entrim_agent_v1_ListAlertsRequest__Output, _entrim_agent_v1_ListAlertsResponse__Output>
  SilenceAlert: MethodDefinition<_entrim_agent_v1_SilenceAlertRequest, _entrim_agent_v1_Alert, _entrim_agent_v1_SilenceAlertRequest__Output, _entrim_agent_v1_Alert__Output>
  UnsilenceAlert: MethodDefinition<_entrim_agent_v1_UnsilenceAlertRequest, _entrim_agent_v1_Alert, _entrim_agent_v1_UnsilenceAlertRequest__Output, _entrim_agent_v1_Alert__Output>
  WatchAlerts: MethodDefinition<_entrim_agent_v1_WatchAlertsRequest, _entrim_agent_v1_AlertsUpdate, _entrim_agent_v1_WatchAlertsRequest__Output, _entrim_agent_v1_AlertsUpdate__Output>
}
