import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Account as _entrim_agent_v1_Account, Account__Output as _entrim_agent_v1_Account__Output } from './entrim/agent/v1/Account.js';
import type { AccountDetail as _entrim_agent_v1_AccountDetail, AccountDetail__Output as _entrim_agent_v1_AccountDetail__Output } from './entrim/agent/v1/AccountDetail.js';
import type { AccountServiceClient as _entrim_agent_v1_AccountServiceClient, AccountServiceDefinition as _entrim_agent_v1_AccountServiceDefinition } from './entrim/agent/v1/AccountService.js';
import type { GetAccountRequest as _entrim_agent_v1_GetAccountRequest, GetAccountRequest__Output as _entrim_agent_v1_GetAccountRequest__Output } from './entrim/agent/v1/GetAccountRequest.js';
import type { ListAccountsRequest as _entrim_agent_v1_ListAccountsRequest, ListAccountsRequest__Output as _entrim_agent_v1_ListAccountsRequest__Output } from './entrim/agent/v1/ListAccountsRequest.js';
import type { ListAccountsResponse as _entrim_agent_v1_ListAccountsResponse, ListAccountsResponse__Output as _entrim_agent_v1_ListAccountsResponse__Output } from './entrim/agent/v1/ListAccountsResponse.js';
import type { UsageDay as _entrim_agent_v1_UsageDay, UsageDay__Output as _entrim_agent_v1_UsageDay__Output } from './entrim/agent/v1/UsageDay.js';
import type { UsageSummary as _entrim_agent_v1_UsageSummary, UsageSummary__Output as _entrim_agent_v1_UsageSummary__Output } from './entrim/agent/v1/UsageSummary.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  entrim: {
    agent: {
      v1: {
        Account: MessageTypeDefinition<_entrim_agent_v1_Account, _entrim_agent_v1_Account__Output>
        AccountDetail: MessageTypeDefinition<_entrim_agent_v1_AccountDetail, _entrim_agent_v1_AccountDetail__Output>
        AccountService: SubtypeConstructor<typeof grpc.Client, _entrim_agent_v1_AccountServiceClient> & { service: _entrim_agent_v1_AccountServiceDefinition }
        GetAccountRequest: MessageTypeDefinition<_entrim_agent_v1_GetAccountRequest, _entrim_agent_v1_GetAccountRequest__Output>
        ListAccountsRequest: MessageTypeDefinition<_entrim_agent_v1_ListAccountsRequest, _entrim_agent_v1_ListAccountsRequest__Output>
        ListAccountsResponse: MessageTypeDefinition<_entrim_agent_v1_ListAccountsResponse, _entrim_agent_v1_ListAccountsResponse__Output>
        UsageDay: MessageTypeDefinition<_entrim_agent_v1_UsageDay, _entrim_agent_v1_UsageDay__Output>
        UsageSummary: MessageTypeDefinition<_entrim_agent_v1_UsageSummary, _entrim_agent_v1_UsageSummary__Output>
      }
    }
  }
}

