// Original file: entrim/agent/v1/certs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ListCertificateRevocationsRequest as _entrim_agent_v1_ListCertificateRevocationsRequest, ListCertificateRevocationsRequest__Output as _entrim_agent_v1_ListCertificateRevocationsRequest__Output } from '../../../entrim/agent/v1/ListCertificateRevocationsRequest.js';
import type { ListCertificateRevocationsResponse as _entrim_agent_v1_ListCertificateRevocationsResponse, ListCertificateRevocationsResponse__Output as _entrim_agent_v1_ListCertificateRevocationsResponse__Output } from '../../../entrim/agent/v1/ListCertificateRevocationsResponse.js';
import type { RevokeCertificateRequest as _entrim_agent_v1_RevokeCertificateRequest, RevokeCertificateRequest__Output as _entrim_agent_v1_RevokeCertificateRequest__Output } from '../../../entrim/agent/v1/RevokeCertificateRequest.js';
import type { RevokeCertificateResponse as _entrim_agent_v1_RevokeCertificateResponse, RevokeCertificateResponse__Output as _entrim_agent_v1_RevokeCertificateResponse__Output } from '../../../entrim/agent/v1/RevokeCertificateResponse.js';

export interface CertificateServiceClient extends grpc.Client {
  ListCertificateRevocations(argument: _entrim_agent_v1_ListCertificateRevocationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListCertificateRevocationsResponse__Output>): grpc.ClientUnaryCall;
  ListCertificateRevocations(argument: _entrim_agent_v1_ListCertificateRevocationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListCertificateRevocationsResponse__Output>): grpc.ClientUnaryCall;
  ListCertificateRevocations(argument: _entrim_agent_v1_ListCertificateRevocationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListCertificateRevocationsResponse__Output>): grpc.ClientUnaryCall;
  ListCertificateRevocations(argument: _entrim_agent_v1_ListCertificateRevocationsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListCertificateRevocationsResponse__Output>): grpc.ClientUnaryCall;
  listCertificateRevocations(argument: _entrim_agent_v1_ListCertificateRevocationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListCertificateRevocationsResponse__Output>): grpc.ClientUnaryCall;
  listCertificateRevocations(argument: _entrim_agent_v1_ListCertificateRevocationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListCertificateRevocationsResponse__Output>): grpc.ClientUnaryCall;
  listCertificateRevocations(argument: _entrim_agent_v1_ListCertificateRevocationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListCertificateRevocationsResponse__Output>): grpc.ClientUnaryCall;
  listCertificateRevocations(argument: _entrim_agent_v1_ListCertificateRevocationsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListCertificateRevocationsResponse__Output>): grpc.ClientUnaryCall;
  
  RevokeCertificate(argument: _entrim_agent_v1_RevokeCertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_RevokeCertificateResponse__Output>): grpc.ClientUnaryCall;
  RevokeCertificate(argument: _entrim_agent_v1_RevokeCertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_RevokeCertificateResponse__Output>): grpc.ClientUnaryCall;
  RevokeCertificate(argument: _entrim_agent_v1_RevokeCertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_RevokeCertificateResponse__Output>): grpc.ClientUnaryCall;
  RevokeCertificate(argument: _entrim_agent_v1_RevokeCertificateRequest, callback: grpc.requestCallback<_entrim_agent_v1_RevokeCertificateResponse__Output>): grpc.ClientUnaryCall;
  revokeCertificate(argument: _entrim_agent_v1_RevokeCertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_RevokeCertificateResponse__Output>): grpc.ClientUnaryCall;
  revokeCertificate(argument: _entrim_agent_v1_RevokeCertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_RevokeCertificateResponse__Output>): grpc.ClientUnaryCall;
  revokeCertificate(argument: _entrim_agent_v1_RevokeCertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_RevokeCertificateResponse__Output>): grpc.ClientUnaryCall;
  revokeCertificate(argument: _entrim_agent_v1_RevokeCertificateRequest, callback: grpc.requestCallback<_entrim_agent_v1_RevokeCertificateResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface CertificateServiceHandlers extends grpc.UntypedServiceImplementation {
  ListCertificateRevocations: grpc.handleUnaryCall<_entrim_agent_v1_ListCertificateRevocationsRequest__Output, _entrim_agent_v1_ListCertificateRevocationsResponse>;
  
  RevokeCertificate: grpc.handleUnaryCall<_entrim_agent_v1_RevokeCertificateRequest__Output, _entrim_agent_v1_RevokeCertificateResponse>;
  
}

export interface CertificateServiceDefinition extends grpc.ServiceDefinition {
  ListCertificateRevocations: MethodDefinition<_entrim_agent_v1_ListCertificateRevocationsRequest, _entrim_agent_v1_ListCertificateRevocationsResponse, _entrim_agent_v1_ListCertificateRevocationsRequest__Output, _entrim_agent_v1_ListCertificateRevocationsResponse__Output>
  RevokeCertificate: MethodDefinition<_entrim_agent_v1_RevokeCertificateRequest, _entrim_agent_v1_RevokeCertificateResponse, _entrim_agent_v1_RevokeCertificateRequest__Output, _entrim_agent_v1_RevokeCertificateResponse__Output>
}
