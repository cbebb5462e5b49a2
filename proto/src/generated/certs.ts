import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { CertificateRevocation as _entrim_agent_v1_CertificateRevocation, CertificateRevocation__Output as _entrim_agent_v1_CertificateRevocation__Output } from './entrim/agent/v1/CertificateRevocation.js';
import type { CertificateServiceClient as _entrim_agent_v1_CertificateServiceClient, CertificateServiceDefinition as _entrim_agent_v1_CertificateServiceDefinition } from './entrim/agent/v1/CertificateService.js';
import type { ListCertificateRevocationsRequest as _entrim_agent_v1_ListCertificateRevocationsRequest, ListCertificateRevocationsRequest__Output as _entrim_agent_v1_ListCertificateRevocationsRequest__Output } from './entrim/agent/v1/ListCertificateRevocationsRequest.js';
import type { ListCertificateRevocationsResponse as _entrim_agent_v1_ListCertificateRevocationsResponse, ListCertificateRevocationsResponse__Output as _entrim_agent_v1_ListCertificateRevocationsResponse__Output } from './entrim/agent/v1/ListCertificateRevocationsResponse.js';
import type { RevokeCertificateRequest as _entrim_agent_v1_RevokeCertificateRequest, RevokeCertificateRequest__Output as _entrim_agent_v1_RevokeCertificateRequest__Output } from './entrim/agent/v1/RevokeCertificateRequest.js';
import type { RevokeCertificateResponse as _entrim_agent_v1_RevokeCertificateResponse, RevokeCertificateResponse__Output as _entrim_agent_v1_RevokeCertificateResponse__Output } from './entrim/agent/v1/RevokeCertificateResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  entrim: {
    agent: {
      v1: {
        CertificateRevocation: MessageTypeDefinition<_entrim_agent_v1_CertificateRevocation, _entrim_agent_v1_CertificateRevocation__Output>
        CertificateService: SubtypeConstructor<typeof grpc.Client, _entrim_agent_v1_CertificateServiceClient> & { service: _entrim_agent_v1_CertificateServiceDefinition }
        ListCertificateRevocationsRequest: MessageTypeDefinition<_entrim_agent_v1_ListCertificateRevocationsRequest, _entrim_agent_v1_ListCertificateRevocationsRequest__Output>
        ListCertificateRevocationsResponse: MessageTypeDefinition<_entrim_agent_v1_ListCertificateRevocationsResponse, _entrim_agent_v1_ListCertificateRevocationsResponse__Output>
        RevokeCertificateRequest: MessageTypeDefinition<_entrim_agent_v1_RevokeCertificateRequest, _entrim_agent_v1_RevokeCertificateRequest__Output>
        RevokeCertificateResponse: MessageTypeDefinition<_entrim_agent_v1_RevokeCertificateResponse, _entrim_agent_v1_RevokeCertificateResponse__Output>
      }
    }
  }
}

