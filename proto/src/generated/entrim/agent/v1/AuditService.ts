// Original file: entrim/agent/v1/audit.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ListAuditRequest as _entrim_agent_v1_ListAuditRequest, ListAuditRequest__Output as _entrim_agent_v1_ListAuditRequest__Output } from '../../../entrim/agent/v1/ListAuditRequest.js';
import type { ListAuditResponse as _entrim_agent_v1_ListAuditResponse, ListAuditResponse__Output as _entrim_agent_v1_ListAuditResponse__Output } from '../../../entrim/agent/v1/ListAuditResponse.js';
import type { VerifyAuditRequest as _entrim_agent_v1_VerifyAuditRequest, VerifyAuditRequest__Output as _entrim_agent_v1_VerifyAuditRequest__Output } from '../../../entrim/agent/v1/VerifyAuditRequest.js';
import type { VerifyAuditResponse as _entrim_agent_v1_VerifyAuditResponse, VerifyAuditResponse__Output as _entrim_agent_v1_VerifyAuditResponse__Output } from '../../../entrim/agent/v1/VerifyAuditResponse.js';

export interface AuditServiceClient extends grpc.Client {
  ListAudit(argument: _entrim_agent_v1_ListAuditRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAuditResponse__Output>): grpc.ClientUnaryCall;
  ListAudit(argument: _entrim_agent_v1_ListAuditRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListAuditResponse__Output>): grpc.ClientUnaryCall;
  ListAudit(argument: _entrim_agent_v1_ListAuditRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAuditResponse__Output>): grpc.ClientUnaryCall;
  ListAudit(argument: _entrim_agent_v1_ListAuditRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListAuditResponse__Output>): grpc.ClientUnaryCall;
  listAudit(argument: _entrim_agent_v1_ListAuditRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAuditResponse__Output>): grpc.ClientUnaryCall;
  listAudit(argument: _entrim_agent_v1_ListAuditRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListAuditResponse__Output>): grpc.ClientUnaryCall;
  listAudit(argument: _entrim_agent_v1_ListAuditRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAuditResponse__Output>): grpc.ClientUnaryCall;
  listAudit(argument: _entrim_agent_v1_ListAuditRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListAuditResponse__Output>): grpc.ClientUnaryCall;
  
  VerifyAudit(argument: _entrim_agent_v1_VerifyAuditRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  VerifyAudit(argument: _entrim_agent_v1_VerifyAuditRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  VerifyAudit(argument: _entrim_agent_v1_VerifyAuditRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  VerifyAudit(argument: _entrim_agent_v1_VerifyAuditRequest, callback: grpc.requestCallback<_entrim_agent_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  verifyAudit(argument: _entrim_agent_v1_VerifyAuditRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  verifyAudit(argument: _entrim_agent_v1_VerifyAuditRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  verifyAudit(argument: _entrim_agent_v1_VerifyAuditRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  verifyAudit(argument: _entrim_agent_v1_VerifyAuditRequest, callback: grpc.requestCallback<_entrim_agent_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AuditServiceHandlers extends grpc.UntypedServiceImplementation {
  ListAudit: grpc.handleUnaryCall<_entrim_agent_v1_ListAuditRequest__Output, _entrim_agent_v1_ListAuditResponse>;
  
  VerifyAudit: grpc.handleUnaryCall<_entrim_agent_v1_VerifyAuditRequest__Output, _entrim_agent_v1_VerifyAuditResponse>;
  
}

export interface AuditServiceDefinition extends grpc.ServiceDefinition {
  ListAudit: MethodDefinition<_entrim_agent_v1_ListAuditRequest, _entrim_agent_v1_ListAuditResponse, _entrim_agent_v1_ListAuditRequest__Output, _entrim_agent_v1_ListAuditResponse__Output>
  VerifyAudit: MethodDefinition<_entrim_agent_v1_VerifyAuditRequest, _entrim_agent_v1_VerifyAuditResponse, _entrim_agent_v1_VerifyAuditRequest__Output, _entrim_agent_v1_VerifyAuditResponse__Output>
}
