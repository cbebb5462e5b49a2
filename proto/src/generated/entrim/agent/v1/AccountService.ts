// Original file: entrim/agent/v1/accounts.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AccountDetail as _entrim_agent_v1_AccountDetail, AccountDetail__Output as _entrim_agent_v1_AccountDetail__Output } from '../../../entrim/agent/v1/AccountDetail.js';
import type { GetAccountRequest as _entrim_agent_v1_GetAccountRequest, GetAccountRequest__Output as _entrim_agent_v1_GetAccountRequest__Output } from '../../../entrim/agent/v1/GetAccountRequest.js';
import type { ListAccountsRequest as _entrim_agent_v1_ListAccountsRequest, ListAccountsRequest__Output as _entrim_agent_v1_ListAccountsRequest__Output } from '../../../entrim/agent/v1/ListAccountsRequest.js';
import type { ListAccountsResponse as _entrim_agent_v1_ListAccountsResponse, ListAccountsResponse__Output as _entrim_agent_v1_ListAccountsResponse__Output } from '../../../entrim/agent/v1/ListAccountsResponse.js';

export interface AccountServiceClient extends grpc.Client {
  GetAccount(argument: _entrim_agent_v1_GetAccountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountDetail__Output>): grpc.ClientUnaryCall;
  GetAccount(argument: _entrim_agent_v1_GetAccountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_AccountDetail__Output>): grpc.ClientUnaryCall;
  GetAccount(argument: _entrim_agent_v1_GetAccountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountDetail__Output>): grpc.ClientUnaryCall;
  GetAccount(argument: _entrim_agent_v1_GetAccountRequest, callback: grpc.requestCallback<_entrim_agent_v1_AccountDetail__Output>): grpc.ClientUnaryCall;
  getAccount(argument: _entrim_agent_v1_GetAccountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountDetail__Output>): grpc.ClientUnaryCall;
  getAccount(argument: _entrim_agent_v1_GetAccountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_AccountDetail__Output>): grpc.ClientUnaryCall;
  getAccount(argument: _entrim_agent_v1_GetAccountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountDetail__Output>): grpc.ClientUnaryCall;
  getAccount(argument: _entrim_agent_v1_GetAccountRequest, callback: grpc.requestCallback<_entrim_agent_v1_AccountDetail__Output>): grpc.ClientUnaryCall;
  
  ListAccounts(argument: _entrim_agent_v1_ListAccountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  ListAccounts(argument: _entrim_agent_v1_ListAccountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  ListAccounts(argument: _entrim_agent_v1_ListAccountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  ListAccounts(argument: _entrim_agent_v1_ListAccountsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  listAccounts(argument: _entrim_agent_v1_ListAccountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  listAccounts(argument: _entrim_agent_v1_ListAccountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  listAccounts(argument: _entrim_agent_v1_ListAccountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  listAccounts(argument: _entrim_agent_v1_ListAccountsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AccountServiceHandlers extends grpc.UntypedServiceImplementation {
  GetAccount: grpc.handleUnaryCall<_entrim_agent_v1_GetAccountRequest__Output, _entrim_agent_v1_AccountDetail>;
  
  ListAccounts: grpc.handleUnaryCall<_entrim_agent_v1_ListAccountsRequest__Output, _entrim_agent_v1_ListAccountsResponse>;
  
}

export interface AccountServiceDefinition extends grpc.ServiceDefinition {
  GetAccount: MethodDefinition<_entrim_agent_v1_GetAccountRequest, _entrim_agent_v1_AccountDetail, _entrim_agent_v1_GetAccountRequest__Output, _entrim_agent_v1_AccountDetail__Output>
  ListAccounts: MethodDefinition<_entrim_agent_v1_ListAccountsRequest, _entrim_agent_v1_ListAccountsResponse, _entrim_agent_v1_ListAccountsRequest__Output, _entrim_agent_v1_ListAccountsResponse__Output>
}
