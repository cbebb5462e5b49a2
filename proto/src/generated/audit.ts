import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AuditEntry as _entrim_agent_v1_AuditEntry, AuditEntry__Output as _entrim_agent_v1_AuditEntry__Output } from './entrim/agent/v1/AuditEntry.js';
import type { AuditServiceClient as _entrim_agent_v1_AuditServiceClient, AuditServiceDefinition as _entrim_agent_v1_AuditServiceDefinition } from './entrim/agent/v1/AuditService.js';
import type { ListAuditRequest as _entrim_agent_v1_ListAuditRequest, ListAuditRequest__Output as _entrim_agent_v1_ListAuditRequest__Output } from './entrim/agent/v1/ListAuditRequest.js';
import type { ListAuditResponse as _entrim_agent_v1_ListAuditResponse, ListAuditResponse__Output as _entrim_agent_v1_ListAuditResponse__Output } from './entrim/agent/v1/ListAuditResponse.js';
import type { VerifyAuditRequest as _entrim_agent_v1_VerifyAuditRequest, VerifyAuditRequest__Output as _entrim_agent_v1_VerifyAuditRequest__Output } from './entrim/agent/v1/VerifyAuditRequest.js';
import type { VerifyAuditResponse as _entrim_agent_v1_VerifyAuditResponse, VerifyAuditResponse__Output as _entrim_agent_v1_VerifyAuditResponse__Output } from './entrim/agent/v1/VerifyAuditResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  entrim: {
    agent: {
      v1: {
        AuditEntry: MessageTypeDefinition<_entrim_agent_v1_AuditEntry, _entrim_agent_v1_AuditEntry__Output>
        AuditService: SubtypeConstructor<typeof grpc.Client, _entrim_agent_v1_AuditServiceClient> & { service: _entrim_agent_v1_AuditServiceDefinition }
        ListAuditRequest: MessageTypeDefinition<_entrim_agent_v1_ListAuditRequest, _entrim_agent_v1_ListAuditRequest__Output>
        ListAuditResponse: MessageTypeDefinition<_entrim_agent_v1_ListAuditResponse, _entrim_agent_v1_ListAuditResponse__Output>
        VerifyAuditRequest: MessageTypeDefinition<_entrim_agent_v1_VerifyAuditRequest, _entrim_agent_v1_VerifyAuditRequest__Output>
        VerifyAuditResponse: MessageTypeDefinition<_entrim_agent_v1_VerifyAuditResponse, _entrim_agent_v1_VerifyAuditResponse__Output>
      }
    }
  }
}

