// Original file: entrim/agent/v1/accounts.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AccountDetail as _entrim_agent_v1_AccountDetail, AccountDetail__Output as _entrim_agent_v1_AccountDetail__Output } from '../../../entrim/agent/v1/AccountDetail.js';
import type { CompleteDataSubjectRequestRequest as _entrim_agent_v1_CompleteDataSubjectRequestRequest, CompleteDataSubjectRequestRequest__Output as _entrim_agent_v1_CompleteDataSubjectRequestRequest__Output } from '../../../entrim/agent/v1/CompleteDataSubjectRequestRequest.js';
import type { DataSubjectRequest as _entrim_agent_v1_DataSubjectRequest, DataSubjectRequest__Output as _entrim_agent_v1_DataSubjectRequest__Output } from '../../../entrim/agent/v1/DataSubjectRequest.js';
import type { ExportAccountChunk as _entrim_agent_v1_ExportAccountChunk, ExportAccountChunk__Output as _entrim_agent_v1_ExportAccountChunk__Output } from '../../../entrim/agent/v1/ExportAccountChunk.js';
import type { ExportAccountRequest as _entrim_agent_v1_ExportAccountRequest, ExportAccountRequest__Output as _entrim_agent_v1_ExportAccountRequest__Output } from '../../../entrim/agent/v1/ExportAccountRequest.js';
import type { ExportInvoiceRequest as _entrim_agent_v1_ExportInvoiceRequest, ExportInvoiceRequest__Output as _entrim_agent_v1_ExportInvoiceRequest__Output } from '../../../entrim/agent/v1/ExportInvoiceRequest.js';
import type { GetAccountRequest as _entrim_agent_v1_GetAccountRequest, GetAccountRequest__Output as _entrim_agent_v1_GetAccountRequest__Output } from '../../../entrim/agent/v1/GetAccountRequest.js';
import type { GetInvoiceRequest as _entrim_agent_v1_GetInvoiceRequest, GetInvoiceRequest__Output as _entrim_agent_v1_GetInvoiceRequest__Output } from '../../../entrim/agent/v1/GetInvoiceRequest.js';
import type { InvoiceDetail as _entrim_agent_v1_InvoiceDetail, InvoiceDetail__Output as _entrim_agent_v1_InvoiceDetail__Output } from '../../../entrim/agent/v1/InvoiceDetail.js';
import type { InvoiceDocument as _entrim_agent_v1_InvoiceDocument, InvoiceDocument__Output as _entrim_agent_v1_InvoiceDocument__Output } from '../../../entrim/agent/v1/InvoiceDocument.js';
import type { ListAccountsRequest as _entrim_agent_v1_ListAccountsRequest, ListAccountsRequest__Output as _entrim_agent_v1_ListAccountsRequest__Output } from '../../../entrim/agent/v1/ListAccountsRequest.js';
import type { ListAccountsResponse as _entrim_agent_v1_ListAccountsResponse, ListAccountsResponse__Output as _entrim_agent_v1_ListAccountsResponse__Output } from '../../../entrim/agent/v1/ListAccountsResponse.js';
import type { ListDataSubjectRequestsRequest as _entrim_agent_v1_ListDataSubjectRequestsRequest, ListDataSubjectRequestsRequest__Output as _entrim_agent_v1_ListDataSubjectRequestsRequest__Output } from '../../../entrim/agent/v1/ListDataSubjectRequestsRequest.js';
import type { ListDataSubjectRequestsResponse as _entrim_agent_v1_ListDataSubjectRequestsResponse, ListDataSubjectRequestsResponse__Output as _entrim_agent_v1_ListDataSubjectRequestsResponse__Output } from '../../../entrim/agent/v1/ListDataSubjectRequestsResponse.js';
import type { ListInvoicesRequest as _entrim_agent_v1_ListInvoicesRequest, ListInvoicesRequest__Output as _entrim_agent_v1_ListInvoicesRequest__Output } from '../../../entrim/agent/v1/ListInvoicesRequest.js';
import type { ListInvoicesResponse as _entrim_agent_v1_ListInvoicesResponse, ListInvoicesResponse__Output as _entrim_agent_v1_ListInvoicesResponse__Output } from '../../../entrim/agent/v1/ListInvoicesResponse.js';
import type { RejectDataSubjectRequestRequest as _entrim_agent_v1_RejectDataSubjectRequestRequest, RejectDataSubjectRequestRequest__Output as _entrim_agent_v1_RejectDataSubjectRequestRequest__Output } from '../../../entrim/agent/v1/RejectDataSubjectRequestRequest.js';

export interface AccountServiceClient extends grpc.Client {
  CompleteDataSubjectRequest(argument: _entrim_agent_v1_CompleteDataSubjectRequestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  CompleteDataSubjectRequest(argument: _entrim_agent_v1_CompleteDataSubjectRequestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  CompleteDataSubjectRequest(argument: _entrim_agent_v1_CompleteDataSubjectRequestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  CompleteDataSubjectRequest(argument: _entrim_agent_v1_CompleteDataSubjectRequestRequest, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  completeDataSubjectRequest(argument: _entrim_agent_v1_CompleteDataSubjectRequestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  completeDataSubjectRequest(argument: _entrim_agent_v1_CompleteDataSubjectRequestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  completeDataSubjectRequest(argument: _entrim_agent_v1_CompleteDataSubjectRequestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  completeDataSubjectRequest(argument: _entrim_agent_v1_CompleteDataSubjectRequestRequest, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  
  ExportAccount(argument: _entrim_agent_v1_ExportAccountRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_ExportAccountChunk__Output>;
  ExportAccount(argument: _entrim_agent_v1_ExportAccountRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_ExportAccountChunk__Output>;
  exportAccount(argument: _entrim_agent_v1_ExportAccountRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_ExportAccountChunk__Output>;
  exportAccount(argument: _entrim_agent_v1_ExportAccountRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_ExportAccountChunk__Output>;
  
  ExportInvoice(argument: _entrim_agent_v1_ExportInvoiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_InvoiceDocument__Output>): grpc.ClientUnaryCall;
  ExportInvoice(argument: _entrim_agent_v1_ExportInvoiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_InvoiceDocument__Output>): grpc.ClientUnaryCall;
  ExportInvoice(argument: _entrim_agent_v1_ExportInvoiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_InvoiceDocument__Output>): grpc.ClientUnaryCall;
  ExportInvoice(argument: _entrim_agent_v1_ExportInvoiceRequest, callback: grpc.requestCallback<_entrim_agent_v1_InvoiceDocument__Output>): grpc.ClientUnaryCall;
  exportInvoice(argument: _entrim_agent_v1_ExportInvoiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_InvoiceDocument__Output>): grpc.ClientUnaryCall;
  exportInvoice(argument: _entrim_agent_v1_ExportInvoiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_InvoiceDocument__Output>): grpc.ClientUnaryCall;
  exportInvoice(argument: _entrim_agent_v1_ExportInvoiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_InvoiceDocument__Output>): grpc.ClientUnaryCall;
  exportInvoice(argument: _entrim_agent_v1_ExportInvoiceRequest, callback: grpc.requestCallback<_entrim_agent_v1_InvoiceDocument__Output>): grpc.ClientUnaryCall;
  
  GetAccount(argument: _entrim_agent_v1_GetAccountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountDetail__Output>): grpc.ClientUnaryCall;
  GetAccount(argument: _entrim_agent_v1_GetAccountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_AccountDetail__Output>): grpc.ClientUnaryCall;
  GetAccount(argument: _entrim_agent_v1_GetAccountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountDetail__Output>): grpc.ClientUnaryCall;
  GetAccount(argument: _entrim_agent_v1_GetAccountRequest, callback: grpc.requestCallback<_entrim_agent_v1_AccountDetail__Output>): grpc.ClientUnaryCall;
  getAccount(argument: _entrim_agent_v1_GetAccountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountDetail__Output>): grpc.ClientUnaryCall;
  getAccount(argument: _entrim_agent_v1_GetAccountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_AccountDetail__Output>): grpc.ClientUnaryCall;
  getAccount(argument: _entrim_agent_v1_GetAccountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountDetail__Output>): grpc.ClientUnaryCall;
  getAccount(argument: _entrim_agent_v1_GetAccountRequest, callback: grpc.requestCallback<_entrim_agent_v1_AccountDetail__Output>): grpc.ClientUnaryCall;
  
  GetInvoice(argument: _entrim_agent_v1_GetInvoiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_InvoiceDetail__Output>): grpc.ClientUnaryCall;
  GetInvoice(argument: _entrim_agent_v1_GetInvoiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_InvoiceDetail__Output>): grpc.ClientUnaryCall;
  GetInvoice(argument: _entrim_agent_v1_GetInvoiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_InvoiceDetail__Output>): grpc.ClientUnaryCall;
  GetInvoice(argument: _entrim_agent_v1_GetInvoiceRequest, callback: grpc.requestCallback<_entrim_agent_v1_InvoiceDetail__Output>): grpc.ClientUnaryCall;
  getInvoice(argument: _entrim_agent_v1_GetInvoiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_InvoiceDetail__Output>): grpc.ClientUnaryCall;
  getInvoice(argument: _entrim_agent_v1_GetInvoiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_InvoiceDetail__Output>): grpc.ClientUnaryCall;
  getInvoice(argument: _entrim_agent_v1_GetInvoiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_InvoiceDetail__Output>): grpc.ClientUnaryCall;
  getInvoice(argument: _entrim_agent_v1_GetInvoiceRequest, callback: grpc.requestCallback<_entrim_agent_v1_InvoiceDetail__Output>): grpc.ClientUnaryCall;
  
  ListAccounts(argument: _entrim_agent_v1_ListAccountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  ListAccounts(argument: _entrim_agent_v1_ListAccountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  ListAccounts(argument: _entrim_agent_v1_ListAccountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  ListAccounts(argument: _entrim_agent_v1_ListAccountsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  listAccounts(argument: _entrim_agent_v1_ListAccountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  listAccounts(argument: _entrim_agent_v1_ListAccountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  listAccounts(argument: _entrim_agent_v1_ListAccountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  listAccounts(argument: _entrim_agent_v1_ListAccountsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  
  ListDataSubjectRequests(argument: _entrim_agent_v1_ListDataSubjectRequestsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListDataSubjectRequestsResponse__Output>): grpc.ClientUnaryCall;
  ListDataSubjectRequests(argument: _entrim_agent_v1_ListDataSubjectRequestsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListDataSubjectRequestsResponse__Output>): grpc.ClientUnaryCall;
  ListDataSubjectRequests(argument: _entrim_agent_v1_ListDataSubjectRequestsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListDataSubjectRequestsResponse__Output>): grpc.ClientUnaryCall;
  ListDataSubjectRequests(argument: _entrim_agent_v1_ListDataSubjectRequestsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListDataSubjectRequestsResponse__Output>): grpc.ClientUnaryCall;
  listDataSubjectRequests(argument: _entrim_agent_v1_ListDataSubjectRequestsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListDataSubjectRequestsResponse__Output>): grpc.ClientUnaryCall;
  listDataSubjectRequests(argument: _entrim_agent_v1_ListDataSubjectRequestsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListDataSubjectRequestsResponse__Output>): grpc.ClientUnaryCall;
  listDataSubjectRequests(argument: _entrim_agent_v1_ListDataSubjectRequestsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListDataSubjectRequestsResponse__Output>): grpc.ClientUnaryCall;
  listDataSubjectRequests(argument: _entrim_agent_v1_ListDataSubjectRequestsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListDataSubjectRequestsResponse__Output>): grpc.ClientUnaryCall;
  
  ListInvoices(argument: _entrim_agent_v1_ListInvoicesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListInvoicesResponse__Output>): grpc.ClientUnaryCall;
  ListInvoices(argument: _entrim_agent_v1_ListInvoicesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListInvoicesResponse__Output>): grpc.ClientUnaryCall;
  ListInvoices(argument: _entrim_agent_v1_ListInvoicesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListInvoicesResponse__Output>): grpc.ClientUnaryCall;
  ListInvoices(argument: _entrim_agent_v1_ListInvoicesRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListInvoicesResponse__Output>): grpc.ClientUnaryCall;
  listInvoices(argument: _entrim_agent_v1_ListInvoicesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListInvoicesResponse__Output>): grpc.ClientUnaryCall;
  listInvoices(argument: _entrim_agent_v1_ListInvoicesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListInvoicesResponse__Output>): grpc.ClientUnaryCall;
  listInvoices(argument: _entrim_agent_v1_ListInvoicesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListInvoicesResponse__Output>): grpc.ClientUnaryCall;
  listInvoices(argument: _entrim_agent_v1_ListInvoicesRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListInvoicesResponse__Output>): grpc.ClientUnaryCall;
  
  RejectDataSubjectRequest(argument: _entrim_agent_v1_RejectDataSubjectRequestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  RejectDataSubjectRequest(argument: _entrim_agent_v1_RejectDataSubjectRequestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  RejectDataSubjectRequest(argument: _entrim_agent_v1_RejectDataSubjectRequestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  RejectDataSubjectRequest(argument: _entrim_agent_v1_RejectDataSubjectRequestRequest, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  rejectDataSubjectRequest(argument: _entrim_agent_v1_RejectDataSubjectRequestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  rejectDataSubjectRequest(argument: _entrim_agent_v1_RejectDataSubjectRequestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  rejectDataSubjectRequest(argument: _entrim_agent_v1_RejectDataSubjectRequestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  rejectDataSubjectRequest(argument: _entrim_agent_v1_RejectDataSubjectRequestRequest, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  
}

export interface AccountServiceHandlers extends grpc.UntypedServiceImplementation {
  CompleteDataSubjectRequest: grpc.handleUnaryCall<_entrim_agent_v1_CompleteDataSubjectRequestRequest__Output, _entrim_agent_v1_DataSubjectRequest>;
  
  ExportAccount: grpc.handleServerStreamingCall<_entrim_agent_v1_ExportAccountRequest__Output, _entrim_agent_v1_ExportAccountChunk>;
  
  ExportInvoice: grpc.handleUnaryCall<_entrim_agent_v1_ExportInvoiceRequest__Output, _entrim_agent_v1_InvoiceDocument>;
  
  GetAccount: grpc.handleUnaryCall<_entrim_agent_v1_GetAccountRequest__Output, _entrim_agent_v1_AccountDetail>;
  
  GetInvoice: grpc.handleUnaryCall<_entrim_agent_v1_GetInvoiceRequest__Output, _entrim_agent_v1_InvoiceDetail>;
  
  ListAccounts: grpc.handleUnaryCall<_entrim_agent_v1_ListAccountsRequest__Output, _entrim_agent_v1_ListAccountsResponse>;
  
  ListDataSubjectRequests: grpc.handleUnaryCall<_entrim_agent_v1_ListDataSubjectRequestsRequest__Output, _entrim_agent_v1_ListDataSubjectRequestsResponse>;
  
  ListInvoices: grpc.handleUnaryCall<_entrim_agent_v1_ListInvoicesRequest__Output, _entrim_agent_v1_ListInvoicesResponse>;
  
  RejectDataSubjectRequest: grpc.handleUnaryCall<_entrim_agent_v1_RejectDataSubjectRequestRequest__Output, _entrim_agent_v1_DataSubjectRequest>;
  
}

export interface AccountServiceDefinition extends grpc.ServiceDefinition {
  CompleteDataSubjectRequest: MethodDefinition<_entrim_agent_v1_CompleteDataSubjectRequestRequest, _entrim_agent_v1_DataSubjectRequest, _entrim_agent_v1_CompleteDataSubjectRequestRequest__Output, _entrim_agent_v1_DataSubjectRequest__Output>
  ExportAccount: MethodDefinition<_entrim_agent_v1_ExportAccountRequest, _entrim_agent_v1_ExportAccountChunk, _entrim_agent_v1_ExportAccountRequest__Output, _entrim_agent_v1_ExportAccountChunk__Output>
  ExportInvoice: MethodDefinition<_entrim_agent_v1_ExportInvoiceRequest, _entrim_agent_v1_InvoiceDocument, _entrim_agent_v1_ExportInvoiceRequest__Output, _entrim_agent_v1_InvoiceDocument__Output>
  GetAccount: MethodDefinition<_entrim_agent_v1_GetAccountRequest, _entrim_agent_v1_AccountDetail, _entrim_agent_v1_GetAccountRequest__Output, _entrim_agent_v1_AccountDetail__Output>
  GetInvoice: MethodDefinition<_entrim_agent_v1_GetInvoiceRequest, _entrim_agent_v1_InvoiceDetail, _entrim_agent_v1_GetInvoiceRequest__Output, _entrim_agent_v1_InvoiceDetail__Output>
  ListAccounts: MethodDefinition<_entrim_agent_v1_ListAccountsRequest, _entrim_agent_v1_ListAccountsResponse, _entrim_agent_v1_ListAccountsRequest__Output, _entrim_agent_v1_ListAccountsResponse__Output>
  ListDataSubjectRequests: MethodDefinition<_entrim_agent_v1_ListDataSubjectRequestsRequest, _entrim_agent_v1_ListDataSubjectRequestsResponse, _entrim_agent_v1_ListDataSubjectRequestsRequest__Output, _entrim_agent_v1_ListDataSubjectRequestsResponse__Output>
  ListInvoices: MethodDefinition<_entrim_agent_v1_ListInvoicesRequest, _entrim_agent_v1_ListInvoicesResponse, _entrim_agent_v1_ListInvoicesRequest__Output, _entrim_agent_v1_ListInvoicesResponse__Output>
  RejectDataSubjectRequest: MethodDefinition<_entrim_agent_v1_RejectDataSubjectRequestRequest, _entrim_agent_v1_DataSubjectRequest, _entrim_agent_v1_RejectDataSubjectRequestRequest__Output, _entrim_agent_v1_DataSubjectRequest__Output>
}
