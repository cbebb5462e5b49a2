// Original file: entrim/agent/v1/abuse.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AbuseFlag as _entrim_agent_v1_AbuseFlag, AbuseFlag__Output as _entrim_agent_v1_AbuseFlag__Output } from '../../../entrim/agent/v1/AbuseFlag.js';
import type { ListAbuseFlagsRequest as _entrim_agent_v1_ListAbuseFlagsRequest, ListAbuseFlagsRequest__Output as _entrim_agent_v1_ListAbuseFlagsRequest__Output } from '../../../entrim/agent/v1/ListAbuseFlagsRequest.js';
import type { ListAbuseFlagsResponse as _entrim_agent_v1_ListAbuseFlagsResponse, ListAbuseFlagsResponse__Output as _entrim_agent_v1_ListAbuseFlagsResponse__Output } from '../../../entrim/agent/v1/ListAbuseFlagsResponse.js';
import type { ListSecurityEventsRequest as _entrim_agent_v1_ListSecurityEventsRequest, ListSecurityEventsRequest__Output as _entrim_agent_v1_ListSecurityEventsRequest__Output } from '../../../entrim/agent/v1/ListSecurityEventsRequest.js';
import type { ListSecurityEventsResponse as _entrim_agent_v1_ListSecurityEventsResponse, ListSecurityEventsResponse__Output as _entrim_agent_v1_ListSecurityEventsResponse__Output } from '../../../entrim/agent/v1/ListSecurityEventsResponse.js';
import type { ListSuspensionsRequest as _entrim_agent_v1_ListSuspensionsRequest, ListSuspensionsRequest__Output as _entrim_agent_v1_ListSuspensionsRequest__Output } from '../../../entrim/agent/v1/ListSuspensionsRequest.js';
import type { ListSuspensionsResponse as _entrim_agent_v1_ListSuspensionsResponse, ListSuspensionsResponse__Output as _entrim_agent_v1_ListSuspensionsResponse__Output } from '../../../entrim/agent/v1/ListSuspensionsResponse.js';
import type { ResolveAbuseFlagRequest as _entrim_agent_v1_ResolveAbuseFlagRequest, ResolveAbuseFlagRequest__Output as _entrim_agent_v1_ResolveAbuseFlagRequest__Output } from '../../../entrim/agent/v1/ResolveAbuseFlagRequest.js';
import type { SecurityEvent as _entrim_agent_v1_SecurityEvent, SecurityEvent__Output as _entrim_agent_v1_SecurityEvent__Output } from '../../../entrim/agent/v1/SecurityEvent.js';
import type { SuspendRequest as _entrim_agent_v1_SuspendRequest, SuspendRequest__Output as _entrim_agent_v1_SuspendRequest__Output } from '../../../entrim/agent/v1/SuspendRequest.js';
import type { Suspension as _entrim_agent_v1_Suspension, Suspension__Output as _entrim_agent_v1_Suspension__Output } from '../../../entrim/agent/v1/Suspension.js';
import type { SuspensionChange as _entrim_agent_v1_SuspensionChange, SuspensionChange__Output as _entrim_agent_v1_SuspensionChange__Output } from '../../../entrim/agent/v1/SuspensionChange.js';
import type { UnsuspendRequest as _entrim_agent_v1_UnsuspendRequest, UnsuspendRequest__Output as _entrim_agent_v1_UnsuspendRequest__Output } from '../../../entrim/agent/v1/UnsuspendRequest.js';
import type { WatchSecurityEventsRequest as _entrim_agent_v1_WatchSecurityEventsRequest, WatchSecurityEventsRequest__Output as _entrim_agent_v1_WatchSecurityEventsRequest__Output } from '../../../entrim/agent/v1/WatchSecurityEventsRequest.js';
import type { WatchSuspensionsRequest as _entrim_agent_v1_WatchSuspensionsRequest, WatchSuspensionsRequest__Output as _entrim_agent_v1_WatchSuspensionsRequest__Output } from '../../../entrim/agent/v1/WatchSuspensionsRequest.js';

export interface AbuseServiceClient extends grpc.Client {
  ListAbuseFlags(argument: _entrim_agent_v1_ListAbuseFlagsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAbuseFlagsResponse__Output>): grpc.ClientUnaryCall;
  ListAbuseFlags(argument: _entrim_agent_v1_ListAbuseFlagsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListAbuseFlagsResponse__Output>): grpc.ClientUnaryCall;
  ListAbuseFlags(argument: _entrim_agent_v1_ListAbuseFlagsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAbuseFlagsResponse__Output>): grpc.ClientUnaryCall;
  ListAbuseFlags(argument: _entrim_agent_v1_ListAbuseFlagsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListAbuseFlagsResponse__Output>): grpc.ClientUnaryCall;
  listAbuseFlags(argument: _entrim_agent_v1_ListAbuseFlagsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAbuseFlagsResponse__Output>): grpc.ClientUnaryCall;
  listAbuseFlags(argument: _entrim_agent_v1_ListAbuseFlagsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListAbuseFlagsResponse__Output>): grpc.ClientUnaryCall;
  listAbuseFlags(argument: _entrim_agent_v1_ListAbuseFlagsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAbuseFlagsResponse__Output>): grpc.ClientUnaryCall;
  listAbuseFlags(argument: _entrim_agent_v1_ListAbuseFlagsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListAbuseFlagsResponse__Output>): grpc.ClientUnaryCall;
  
  ListSecurityEvents(argument: _entrim_agent_v1_ListSecurityEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListSecurityEventsResponse__Output>): grpc.ClientUnaryCall;
  ListSecurityEvents(argument: _entrim_agent_v1_ListSecurityEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListSecurityEventsResponse__Output>): grpc.ClientUnaryCall;
  ListSecurityEvents(argument: _entrim_agent_v1_ListSecurityEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListSecurityEventsResponse__Output>): grpc.ClientUnaryCall;
  ListSecurityEvents(argument: _entrim_agent_v1_ListSecurityEventsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListSecurityEventsResponse__Output>): grpc.ClientUnaryCall;
  listSecurityEvents(argument: _entrim_agent_v1_ListSecurityEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListSecurityEventsResponse__Output>): grpc.ClientUnaryCall;
  listSecurityEvents(argument: _entrim_agent_v1_ListSecurityEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListSecurityEventsResponse__Output>): grpc.ClientUnaryCall;
  listSecurityEvents(argument: _entrim_agent_v1_ListSecurityEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListSecurityEventsResponse__Output>): grpc.ClientUnaryCall;
  listSecurityEvents(argument: _entrim_agent_v1_ListSecurityEventsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListSecurityEventsResponse__Output>): grpc.ClientUnaryCall;
  
  ListSuspensions(argument: _entrim_agent_v1_ListSuspensionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListSuspensionsResponse__Output>): grpc.ClientUnaryCall;
  ListSuspensions(argument: _entrim_agent_v1_ListSuspensionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListSuspensionsResponse__Output>): grpc.ClientUnaryCall;
  ListSuspensions(argument: _entrim_agent_v1_ListSuspensionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListSuspensionsResponse__Output>): grpc.ClientUnaryCall;
  ListSuspensions(argument: _entrim_agent_v1_ListSuspensionsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListSuspensionsResponse__Output>): grpc.ClientUnaryCall;
  listSuspensions(argument: _entrim_agent_v1_ListSuspensionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListSuspensionsResponse__Output>): grpc.ClientUnaryCall;
  listSuspensions(argument: _entrim_agent_v1_ListSuspensionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListSuspensionsResponse__Output>): grpc.ClientUnaryCall;
  listSuspensions(argument: _entrim_agent_v1_ListSuspensionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListSuspensionsResponse__Output>): grpc.ClientUnaryCall;
  listSuspensions(argument: _entrim_agent_v1_ListSuspensionsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListSuspensionsResponse__Output>): grpc.ClientUnaryCall;
  
  ResolveAbuseFlag(argument: _entrim_agent_v1_ResolveAbuseFlagRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AbuseFlag__Output>): grpc.ClientUnaryCall;
  ResolveAbuseFlag(argument: _entrim_agent_v1_ResolveAbuseFlagRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_AbuseFlag__Output>): grpc.ClientUnaryCall;
  ResolveAbuseFlag(argument: _entrim_agent_v1_ResolveAbuseFlagRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AbuseFlag__Output>): grpc.ClientUnaryCall;
  ResolveAbuseFlag(argument: _entrim_agent_v1_ResolveAbuseFlagRequest, callback: grpc.requestCallback<_entrim_agent_v1_AbuseFlag__Output>): grpc.ClientUnaryCall;
  resolveAbuseFlag(argument: _entrim_agent_v1_ResolveAbuseFlagRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AbuseFlag__Output>): grpc.ClientUnaryCall;
  resolveAbuseFlag(argument: _entrim_agent_v1_ResolveAbuseFlagRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_AbuseFlag__Output>): grpc.ClientUnaryCall;
  resolveAbuseFlag(argument: _entrim_agent_v1_ResolveAbuseFlagRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AbuseFlag__Output>): grpc.ClientUnaryCall;
  resolveAbuseFlag(argument: _entrim_agent_v1_ResolveAbuseFlagRequest, callback: grpc.requestCallback<_entrim_agent_v1_AbuseFlag__Output>): grpc.ClientUnaryCall;
  
  Suspend(argument: _entrim_agent_v1_SuspendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  Suspend(argument: _entrim_agent_v1_SuspendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  Suspend(argument: _entrim_agent_v1_SuspendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  Suspend(argument: _entrim_agent_v1_SuspendRequest, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  suspend(argument: _entrim_agent_v1_SuspendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  suspend(argument: _entrim_agent_v1_SuspendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  suspend(argument: _entrim_agent_v1_SuspendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  suspend(argument: _entrim_agent_v1_SuspendRequest, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  
  Unsuspend(argument: _entrim_agent_v1_UnsuspendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  Unsuspend(argument: _entrim_agent_v1_UnsuspendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  Unsuspend(argument: _entrim_agent_v1_UnsuspendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  Unsuspend(argument: _entrim_agent_v1_UnsuspendRequest, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  unsuspend(argument: _entrim_agent_v1_UnsuspendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  unsuspend(argument: _entrim_agent_v1_UnsuspendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  unsuspend(argument: _entrim_agent_v1_UnsuspendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  unsuspend(argument: _entrim_agent_v1_UnsuspendRequest, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  
  Warn(argument: _entrim_agent_v1_SuspendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  Warn(argument: _entrim_agent_v1_SuspendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  Warn(argument: _entrim_agent_v1_SuspendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  Warn(argument: _entrim_agent_v1_SuspendRequest, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  warn(argument: _entrim_agent_v1_SuspendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  warn(argument: _entrim_agent_v1_SuspendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  warn(argument: _entrim_agent_v1_SuspendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  warn(argument: _entrim_agent_v1_SuspendRequest, callback: grpc.requestCallback<_entrim_agent_v1_Suspension__Output>): grpc.ClientUnaryCall;
  
  WatchSecurityEvents(argument: _entrim_agent_v1_WatchSecurityEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_SecurityEvent__Output>;
  WatchSecurityEvents(argument: _entrim_agent_v1_WatchSecurityEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_SecurityEvent__Output>;
  watchSecurityEvents(argument: _entrim_agent_v1_WatchSecurityEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_SecurityEvent__Output>;
  watchSecurityEvents(argument: _entrim_agent_v1_WatchSecurityEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_SecurityEvent__Output>;
  
  WatchSuspensions(argument: _entrim_agent_v1_WatchSuspensionsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_SuspensionChange__Output>;
  WatchSuspensions(argument: _entrim_agent_v1_WatchSuspensionsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_SuspensionChange__Output>;
  watchSuspensions(argument: _entrim_agent_v1_WatchSuspensionsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_SuspensionChange__Output>;
  watchSuspensions(argument: _entrim_agent_v1_WatchSuspensionsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_SuspensionChange__Output>;
  
}

export interface AbuseServiceHandlers extends grpc.UntypedServiceImplementation {
  ListAbuseFlags: grpc.handleUnaryCall<_entrim_agent_v1_ListAbuseFlagsRequest__Output, _entrim_agent_v1_ListAbuseFlagsResponse>;
  
  ListSecurityEvents: grpc.handleUnaryCall<_entrim_agent_v1_ListSecurityEventsRequest__Output, _entrim_agent_v1_ListSecurityEventsResponse>;
  
  ListSuspensions: grpc.handleUnaryCall<_entrim_agent_v1_ListSuspensionsRequest__Output, _entrim_agent_v1_ListSuspensionsResponse>;
  
  ResolveAbuseFlag: grpc.handleUnaryCall<_entrim_agent_v1_ResolveAbuseFlagRequest__Output, _entrim_agent_v1_AbuseFlag>;
  
  Suspend: grpc.handleUnaryCall<_entrim_agent_v1_SuspendRequest__Output, _entrim_agent_v1_Suspension>;
  
  Unsuspend: grpc.handleUnaryCall<_entrim_agent_v1_UnsuspendRequest__Output, _entrim_agent_v1_Suspension>;
  
  Warn: grpc.handleUnaryCall<_entrim_agent_v1_SuspendRequest__Output, _entrim_agent_v1_Suspension>;
  
  WatchSecurityEvents: grpc.handleServerStreamingCall<_entrim_agent_v1_WatchSecurityEventsRequest__Output, _entrim_agent_v1_SecurityEvent>;
  
  WatchSuspensions: grpc.handleServerStreamingCall<_entrim_agent_v1_WatchSuspensionsRequest__Output, _entrim_agent_v1_SuspensionChange>;
  
}

export interface AbuseServiceDefinition extends grpc.ServiceDefinition {
  ListAbuseFlags: MethodDefinition<_entrim_agent_v1_ListAbuseFlagsRequest, _entrim_agent_v1_ListAbuseFlagsResponse, _entrim_agent_v1_ListAbuseFlagsRequest__Output, _entrim_agent_v1_ListAbuseFlagsResponse__Output>
  ListSecurityEvents: MethodDefinition<_entrim_agent_v1_ListSecurityEventsRequest, _entrim_agent_v1_ListSecurityEventsResponse, _entrim_agent_v1_ListSecurityEventsRequest__Output, _entrim_agent_v1_ListSecurityEventsResponse__Output>
  ListSuspensions: MethodDefinition<_entrim_agent_v1_ListSuspensionsRequest, _entrim_agent_v1_ListSuspensionsResponse, _entrim_agent_v1_ListSuspensionsRequest__Output, _entrim_agent_v1_ListSuspensionsResponse__Output>
  ResolveAbuseFlag: MethodDefinition<_entrim_agent_v1_ResolveAbuseFlagRequest, _entrim_agent_v1_AbuseFlag, _entrim_agent_v1_ResolveAbuseFlagRequest__Output, _entrim_agent_v1_AbuseFlag__Output>
  Suspend: MethodDefinition<_entrim_agent_v1_SuspendRequest, _entrim_agent_v1_Suspension, _entrim_agent_v1_SuspendRequest__Output, _entrim_agent_v1_Suspension__Output>
  Unsuspend: MethodDefinition<_entrim_agent_v1_UnsuspendRequest, _entrim_agent_v1_Suspension, _entrim_agent_v1_UnsuspendRequest__Output, _entrim_agent_v1_Suspension__Output>
  Warn: MethodDefinition<_entrim_agent_v1_SuspendRequest, _entrim_agent_v1_Suspension, _entrim_agent_v1_SuspendRequest__Output, _entrim_agent_v1_Suspension__Output>
  WatchSecurityEvents: MethodDefinition<_entrim_agent_v1_WatchSecurityEventsRequest, _entrim_agent_v1_SecurityEvent, _entrim_agent_v1_WatchSecurityEventsRequest__Output, _entrim_agent_v1_SecurityEvent__Output>
  WatchSuspensions: MethodDefinition<_entrim_agent_v1_WatchSuspensionsRequest, _entrim_agent_v1_SuspensionChange, _entrim_agent_v1_WatchSuspensionsRequest__Output, _entrim_agent_v1_SuspensionChange__Output>
}
