// Original file: entrim/agent/v1/node.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DrainProgress as _entrim_agent_v1_DrainProgress, DrainProgress__Output as _entrim_agent_v1_DrainProgress__Output } from '../../../entrim/agent/v1/DrainProgress.js';
import type { DrainRequest as _entrim_agent_v1_DrainRequest, DrainRequest__Output as _entrim_agent_v1_DrainRequest__Output } from '../../../entrim/agent/v1/DrainRequest.js';
import type { GetStatusRequest as _entrim_agent_v1_GetStatusRequest, GetStatusRequest__Output as _entrim_agent_v1_GetStatusRequest__Output } from '../../../entrim/agent/v1/GetStatusRequest.js';
import type { NodeSnapshot as _entrim_agent_v1_NodeSnapshot, NodeSnapshot__Output as _entrim_agent_v1_NodeSnapshot__Output } from '../../../entrim/agent/v1/NodeSnapshot.js';
import type { UndrainRequest as _entrim_agent_v1_UndrainRequest, UndrainRequest__Output as _entrim_agent_v1_UndrainRequest__Output } from '../../../entrim/agent/v1/UndrainRequest.js';
import type { UndrainResponse as _entrim_agent_v1_UndrainResponse, UndrainResponse__Output as _entrim_agent_v1_UndrainResponse__Output } from '../../../entrim/agent/v1/UndrainResponse.js';
import type { WatchStatusRequest as _entrim_agent_v1_WatchStatusRequest, WatchStatusRequest__Output as _entrim_agent_v1_WatchStatusRequest__Output } from '../../../entrim/agent/v1/WatchStatusRequest.js';

export interface NodeServiceClient extends grpc.Client {
  Drain(argument: _entrim_agent_v1_DrainRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_DrainProgress__Output>;
  Drain(argument: _entrim_agent_v1_DrainRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_DrainProgress__Output>;
  drain(argument: _entrim_agent_v1_DrainRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_DrainProgress__Output>;
  drain(argument: _entrim_agent_v1_DrainRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_DrainProgress__Output>;
  
  GetStatus(argument: _entrim_agent_v1_GetStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_NodeSnapshot__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _entrim_agent_v1_GetStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_NodeSnapshot__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _entrim_agent_v1_GetStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_NodeSnapshot__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _entrim_agent_v1_GetStatusRequest, callback: grpc.requestCallback<_entrim_agent_v1_NodeSnapshot__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _entrim_agent_v1_GetStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_NodeSnapshot__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _entrim_agent_v1_GetStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_NodeSnapshot__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _entrim_agent_v1_GetStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_NodeSnapshot__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _entrim_agent_v1_GetStatusRequest, callback: grpc.requestCallback<_entrim_agent_v1_NodeSnapshot__Output>): grpc.ClientUnaryCall;
  
  Undrain(argument: _entrim_agent_v1_UndrainRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_UndrainResponse__Output>): grpc.ClientUnaryCall;
  Undrain(argument: _entrim_agent_v1_UndrainRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_UndrainResponse__Output>): grpc.ClientUnaryCall;
  Undrain(argument: _entrim_agent_v1_UndrainRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_UndrainResponse__Output>): grpc.ClientUnaryCall;
  Undrain(argument: _entrim_agent_v1_UndrainRequest, callback: grpc.requestCallback<_entrim_agent_v1_UndrainResponse__Output>): grpc.ClientUnaryCall;
  undrain(argument: _entrim_agent_v1_UndrainRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_UndrainResponse__Output>): grpc.ClientUnaryCall;
  undrain(argument: _entrim_agent_v1_UndrainRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_UndrainResponse__Output>): grpc.ClientUnaryCall;
  undrain(argument: _entrim_agent_v1_UndrainRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_UndrainResponse__Output>): grpc.ClientUnaryCall;
  undrain(argument: _entrim_agent_v1_UndrainRequest, callback: grpc.requestCallback<_entrim_agent_v1_UndrainResponse__Output>): grpc.ClientUnaryCall;
  
  WatchStatus(argument: _entrim_agent_v1_WatchStatusRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_NodeSnapshot__Output>;
  WatchStatus(argument: _entrim_agent_v1_WatchStatusRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_NodeSnapshot__Output>;
  watchStatus(argument: _entrim_agent_v1_WatchStatusRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_NodeSnapshot__Output>;
  watchStatus(argument: _entrim_agent_v1_WatchStatusRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_NodeSnapshot__Output>;
  
}

export interface NodeServiceHandlers extends grpc.UntypedServiceImplementation {
  Drain: grpc.handleServerStreamingCall<_entrim_agent_v1_DrainRequest__Output, _entrim_agent_v1_DrainProgress>;
  
  GetStatus: grpc.handleUnaryCall<_entrim_agent_v1_GetStatusRequest__Output, _entrim_agent_v1_NodeSnapshot>;
  
  Undrain: grpc.handleUnaryCall<_entrim_agent_v1_UndrainRequest__Output, _entrim_agent_v1_UndrainResponse>;
  
  WatchStatus: grpc.handleServerStreamingCall<_entrim_agent_v1_WatchStatusRequest__Output, _entrim_agent_v1_NodeSnapshot>;
  
}

export interface NodeServiceDefinition extends grpc.ServiceDefinition {
  Drain: MethodDefinition<_entrim_agent_v1_DrainRequest, _entrim_agent_v1_DrainProgress, _entrim_agent_v1_DrainRequest__Output, _entrim_agent_v1_DrainProgress__Output>
  GetStatus: MethodDefinition<_entrim_agent_v1_GetStatusRequest, _entrim_agent_v1_NodeSnapshot, _entrim_agent_v1_GetStatusRequest__Output, _entrim_agent_v1_NodeSnapshot__Output>
  Undrain: MethodDefinition<_entrim_agent_v1_UndrainRequest, _entrim_agent_v1_UndrainResponse, _entrim_agent_v1_UndrainRequest__Output, _entrim_agent_v1_UndrainResponse__Output>
  WatchStatus: MethodDefinition<_entrim_agent_v1_WatchStatusRequest, _entrim_agent_v1_NodeSnapshot, _entrim_agent_v1_WatchStatusRequest__Output, _entrim_agent_v1_NodeSnapshot__Output>
}
