// Original file: entrim/agent/v1/cluster.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ListPeersRequest as _entrim_agent_v1_ListPeersRequest, ListPeersRequest__Output as _entrim_agent_v1_ListPeersRequest__Output } from '../../../entrim/agent/v1/ListPeersRequest.js';
import type { ListPeersResponse as _entrim_agent_v1_ListPeersResponse, ListPeersResponse__Output as _entrim_agent_v1_ListPeersResponse__Output } from '../../../entrim/agent/v1/ListPeersResponse.js';

export interface ClusterServiceClient extends grpc.Client {
  ListPeers(argument: _entrim_agent_v1_ListPeersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListPeersResponse__Output>): grpc.ClientUnaryCall;
  ListPeers(argument: _entrim_agent_v1_ListPeersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListPeersResponse__Output>): grpc.ClientUnaryCall;
  ListPeers(argument: _entrim_agent_v1_ListPeersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListPeersResponse__Output>): grpc.ClientUnaryCall;
  ListPeers(argument: _entrim_agent_v1_ListPeersRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListPeersResponse__Output>): grpc.ClientUnaryCall;
  listPeers(argument: _entrim_agent_v1_ListPeersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListPeersResponse__Output>): grpc.ClientUnaryCall;
  listPeers(argument: _entrim_agent_v1_ListPeersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListPeersResponse__Output>): grpc.ClientUnaryCall;
  listPeers(argument: _entrim_agent_v1_ListPeersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListPeersResponse__Output>): grpc.ClientUnaryCall;
  listPeers(argument: _entrim_agent_v1_ListPeersRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListPeersResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface ClusterServiceHandlers extends grpc.UntypedServiceImplementation {
  ListPeers: grpc.handleUnaryCall<_entrim_agent_v1_ListPeersRequest__Output, _entrim_agent_v1_ListPeersResponse>;
  
}

export interface ClusterServiceDefinition extends grpc.ServiceDefinition {
  ListPeers: MethodDefinition<_entrim_agent_v1_ListPeersRequest, _entrim_agent_v1_ListPeersResponse, _entrim_agent_v1_ListPeersRequest__Output, _entrim_agent_v1_ListPeersResponse__Output>
}
