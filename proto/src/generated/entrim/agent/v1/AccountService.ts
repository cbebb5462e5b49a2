// Original file: entrim/agent/v1/accounts.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AccountActionRequest as _entrim_agent_v1_AccountActionRequest, AccountActionRequest__Output as _entrim_agent_v1_AccountActionRequest__Output } from '../../../entrim/agent/v1/AccountActionRequest.js';
import type { AccountActionResult as _entrim_agent_v1_AccountActionResult, AccountActionResult__Output as _entrim_agent_v1_AccountActionResult__Output } from '../../../entrim/agent/v1/AccountActionResult.js';
import type { AccountDetail as _entrim_agent_v1_AccountDetail, AccountDetail__Output as _entrim_agent_v1_AccountDetail__Output } from '../../../entrim/agent/v1/AccountDetail.js';
import type { ApiKey as _entrim_agent_v1_ApiKey, ApiKey__Output as _entrim_agent_v1_ApiKey__Output } from '../../../entrim/agent/v1/ApiKey.js';
import type { CompleteDataSubjectRequestRequest as _entrim_agent_v1_CompleteDataSubjectRequestRequest, CompleteDataSubjectRequestRequest__Output as _entrim_agent_v1_CompleteDataSubjectRequestRequest__Output } from '../../../entrim/agent/v1/CompleteDataSubjectRequestRequest.js';
import type { DataSubjectRequest as _entrim_agent_v1_DataSubjectRequest, DataSubjectRequest__Output as _entrim_agent_v1_DataSubjectRequest__Output } from '../../../entrim/agent/v1/DataSubjectRequest.js';
import type { ExportAccountChunk as _entrim_agent_v1_ExportAccountChunk, ExportAccountChunk__Output as _entrim_agent_v1_ExportAccountChunk__Output } from '../../../entrim/agent/v1/ExportAccountChunk.js';
import type { ExportAccountRequest as _entrim_agent_v1_ExportAccountRequest, ExportAccountRequest__Output as _entrim_agent_v1_ExportAccountRequest__Output } from '../../../entrim/agent/v1/ExportAccountRequest.js';
import type { ExportInvoiceRequest as _entrim_agent_v1_ExportInvoiceRequest, ExportInvoiceRequest__Output as _entrim_agent_v1_ExportInvoiceRequest__Output } from '../../../entrim/agent/v1/ExportInvoiceRequest.js';
import type { GetAccountRequest as _entrim_agent_v1_GetAccountRequest, GetAccountRequest__Output as _entrim_agent_v1_GetAccountRequest__Output } from '../../../entrim/agent/v1/GetAccountRequest.js';
import type { GetInvoiceRequest as _entrim_agent_v1_GetInvoiceRequest, GetInvoiceRequest__Output as _entrim_agent_v1_GetInvoiceRequest__Output } from '../../../entrim/agent/v1/GetInvoiceRequest.js';
import type { GetLimitsRequest as _entrim_agent_v1_GetLimitsRequest, GetLimitsRequest__Output as _entrim_agent_v1_GetLimitsRequest__Output } from '../../../entrim/agent/v1/GetLimitsRequest.js';
import type { InvoiceDetail as _entrim_agent_v1_InvoiceDetail, InvoiceDetail__Output as _entrim_agent_v1_InvoiceDetail__Output } from '../../../entrim/agent/v1/InvoiceDetail.js';
import type { InvoiceDocument as _entrim_agent_v1_InvoiceDocument, InvoiceDocument__Output as _entrim_agent_v1_InvoiceDocument__Output } from '../../../entrim/agent/v1/InvoiceDocument.js';
import type { Limits as _entrim_agent_v1_Limits, Limits__Output as _entrim_agent_v1_Limits__Output } from '../../../entrim/agent/v1/Limits.js';
import type { ListAccountsRequest as _entrim_agent_v1_ListAccountsRequest, ListAccountsRequest__Output as _entrim_agent_v1_ListAccountsRequest__Output } from '../../../entrim/agent/v1/ListAccountsRequest.js';
import type { ListAccountsResponse as _entrim_agent_v1_ListAccountsResponse, ListAccountsResponse__Output as _entrim_agent_v1_ListAccountsResponse__Output } from '../../../entrim/agent/v1/ListAccountsResponse.js';
import type { ListApiKeysRequest as _entrim_agent_v1_ListApiKeysRequest, ListApiKeysRequest__Output as _entrim_agent_v1_ListApiKeysRequest__Output } from '../../../entrim/agent/v1/ListApiKeysRequest.js';
import type { ListApiKeysResponse as _entrim_agent_v1_ListApiKeysResponse, ListApiKeysResponse__Output as _entrim_agent_v1_ListApiKeysResponse__Output } from '../../../entrim/agent/v1/ListApiKeysResponse.js';
import type { ListDataSubjectRequestsRequest as _entrim_agent_v1_ListDataSubjectRequestsRequest, ListDataSubjectRequestsRequest__Output as _entrim_agent_v1_ListDataSubjectRequestsRequest__Output } from '../../../entrim/agent/v1/ListDataSubjectRequestsRequest.js';
import type { ListDataSubjectRequestsResponse as _entrim_agent_v1_ListDataSubjectRequestsResponse, ListDataSubjectRequestsResponse__Output as _entrim_agent_v1_ListDataSubjectRequestsResponse__Output } from '../../../entrim/agent/v1/ListDataSubjectRequestsResponse.js';
import type { ListInvoicesRequest as _entrim_agent_v1_ListInvoicesRequest, ListInvoicesRequest__Output as _entrim_agent_v1_ListInvoicesRequest__Output } from '../../../entrim/agent/v1/ListInvoicesRequest.js';
import type { ListInvoicesResponse as _entrim_agent_v1_ListInvoicesResponse, ListInvoicesResponse__Output as _entrim_agent_v1_ListInvoicesResponse__Output } from '../../../entrim/agent/v1/ListInvoicesResponse.js';
import type { RejectDataSubjectRequestRequest as _entrim_agent_v1_RejectDataSubjectRequestRequest, RejectDataSubjectRequestRequest__Output as _entrim_agent_v1_RejectDataSubjectRequestRequest__Output } from '../../../entrim/agent/v1/RejectDataSubjectRequestRequest.js';
import type { RevokeApiKeyRequest as _entrim_agent_v1_RevokeApiKeyRequest, RevokeApiKeyRequest__Output as _entrim_agent_v1_RevokeApiKeyRequest__Output } from '../../../entrim/agent/v1/RevokeApiKeyRequest.js';
import type { SetLimitsRequest as _entrim_agent_v1_SetLimitsRequest, SetLimitsRequest__Output as _entrim_agent_v1_SetLimitsRequest__Output } from '../../../entrim/agent/v1/SetLimitsRequest.js';

export interface AccountServiceClient extends grpc.Client {
  CompleteDataSubjectRequest(argument: _entrim_agent_v1_CompleteDataSubjectRequestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  CompleteDataSubjectRequest(argument: _entrim_agent_v1_CompleteDataSubjectRequestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  CompleteDataSubjectRequest(argument: _entrim_agent_v1_CompleteDataSubjectRequestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  CompleteDataSubjectRequest(argument: _entrim_agent_v1_CompleteDataSubjectRequestRequest, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  completeDataSubjectRequest(argument: _entrim_agent_v1_CompleteDataSubjectRequestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  completeDataSubjectRequest(argument: _entrim_agent_v1_CompleteDataSubjectRequestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  completeDataSubjectRequest(argument: _entrim_agent_v1_CompleteDataSubjectRequestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  completeDataSubjectRequest(argument: _entrim_agent_v1_CompleteDataSubjectRequestRequest, callback: grpc.requestCallback<_entrim_agent_v1_DataSubjectRequest__Output>): grpc.ClientUnaryCall;
  
  EraseAccount(argument: _entrim_agent_v1_AccountActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  EraseAccount(argument: _entrim_agent_v1_AccountActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  EraseAccount(argument: _entrim_agent_v1_AccountActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  EraseAccount(argument: _entrim_agent_v1_AccountActionRequest, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  eraseAccount(argument: _entrim_agent_v1_AccountActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  eraseAccount(argument: _entrim_agent_v1_AccountActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  eraseAccount(argument: _entrim_agent_v1_AccountActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  eraseAccount(argument: _entrim_agent_v1_AccountActionRequest, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  
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
  
  GetLimits(argument: _entrim_agent_v1_GetLimitsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Limits__Output>): grpc.ClientUnaryCall;
  GetLimits(argument: _entrim_agent_v1_GetLimitsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Limits__Output>): grpc.ClientUnaryCall;
  GetLimits(argument: _entrim_agent_v1_GetLimitsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Limits__Output>): grpc.ClientUnaryCall;
  GetLimits(argument: _entrim_agent_v1_GetLimitsRequest, callback: grpc.requestCallback<_entrim_agent_v1_Limits__Output>): grpc.ClientUnaryCall;
  getLimits(argument: _entrim_agent_v1_GetLimitsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Limits__Output>): grpc.ClientUnaryCall;
  getLimits(argument: _entrim_agent_v1_GetLimitsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Limits__Output>): grpc.ClientUnaryCall;
  getLimits(argument: _entrim_agent_v1_GetLimitsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Limits__Output>): grpc.ClientUnaryCall;
  getLimits(argument: _entrim_agent_v1_GetLimitsRequest, callback: grpc.requestCallback<_entrim_agent_v1_Limits__Output>): grpc.ClientUnaryCall;
  
  ListAccounts(argument: _entrim_agent_v1_ListAccountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  ListAccounts(argument: _entrim_agent_v1_ListAccountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  ListAccounts(argument: _entrim_agent_v1_ListAccountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  ListAccounts(argument: _entrim_agent_v1_ListAccountsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  listAccounts(argument: _entrim_agent_v1_ListAccountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  listAccounts(argument: _entrim_agent_v1_ListAccountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  listAccounts(argument: _entrim_agent_v1_ListAccountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  listAccounts(argument: _entrim_agent_v1_ListAccountsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListAccountsResponse__Output>): grpc.ClientUnaryCall;
  
  ListApiKeys(argument: _entrim_agent_v1_ListApiKeysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListApiKeysResponse__Output>): grpc.ClientUnaryCall;
  ListApiKeys(argument: _entrim_agent_v1_ListApiKeysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListApiKeysResponse__Output>): grpc.ClientUnaryCall;
  ListApiKeys(argument: _entrim_agent_v1_ListApiKeysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListApiKeysResponse__Output>): grpc.ClientUnaryCall;
  ListApiKeys(argument: _entrim_agent_v1_ListApiKeysRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListApiKeysResponse__Output>): grpc.ClientUnaryCall;
  listApiKeys(argument: _entrim_agent_v1_ListApiKeysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListApiKeysResponse__Output>): grpc.ClientUnaryCall;
  listApiKeys(argument: _entrim_agent_v1_ListApiKeysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListApiKeysResponse__Output>): grpc.ClientUnaryCall;
  listApiKeys(argument: _entrim_agent_v1_ListApiKeysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListApiKeysResponse__Output>): grpc.ClientUnaryCall;
  listApiKeys(argument: _entrim_agent_v1_ListApiKeysRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListApiKeysResponse__Output>): grpc.ClientUnaryCall;
  
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
  
  RestrictAccount(argument: _entrim_agent_v1_AccountActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  RestrictAccount(argument: _entrim_agent_v1_AccountActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  RestrictAccount(argument: _entrim_agent_v1_AccountActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  RestrictAccount(argument: _entrim_agent_v1_AccountActionRequest, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  restrictAccount(argument: _entrim_agent_v1_AccountActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  restrictAccount(argument: _entrim_agent_v1_AccountActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  restrictAccount(argument: _entrim_agent_v1_AccountActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  restrictAccount(argument: _entrim_agent_v1_AccountActionRequest, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  
  RevokeApiKey(argument: _entrim_agent_v1_RevokeApiKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  RevokeApiKey(argument: _entrim_agent_v1_RevokeApiKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  RevokeApiKey(argument: _entrim_agent_v1_RevokeApiKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  RevokeApiKey(argument: _entrim_agent_v1_RevokeApiKeyRequest, callback: grpc.requestCallback<_entrim_agent_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  revokeApiKey(argument: _entrim_agent_v1_RevokeApiKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  revokeApiKey(argument: _entrim_agent_v1_RevokeApiKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  revokeApiKey(argument: _entrim_agent_v1_RevokeApiKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  revokeApiKey(argument: _entrim_agent_v1_RevokeApiKeyRequest, callback: grpc.requestCallback<_entrim_agent_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  
  SetLimits(argument: _entrim_agent_v1_SetLimitsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Limits__Output>): grpc.ClientUnaryCall;
  SetLimits(argument: _entrim_agent_v1_SetLimitsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Limits__Output>): grpc.ClientUnaryCall;
  SetLimits(argument: _entrim_agent_v1_SetLimitsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Limits__Output>): grpc.ClientUnaryCall;
  SetLimits(argument: _entrim_agent_v1_SetLimitsRequest, callback: grpc.requestCallback<_entrim_agent_v1_Limits__Output>): grpc.ClientUnaryCall;
  setLimits(argument: _entrim_agent_v1_SetLimitsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Limits__Output>): grpc.ClientUnaryCall;
  setLimits(argument: _entrim_agent_v1_SetLimitsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Limits__Output>): grpc.ClientUnaryCall;
  setLimits(argument: _entrim_agent_v1_SetLimitsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Limits__Output>): grpc.ClientUnaryCall;
  setLimits(argument: _entrim_agent_v1_SetLimitsRequest, callback: grpc.requestCallback<_entrim_agent_v1_Limits__Output>): grpc.ClientUnaryCall;
  
  UnrestrictAccount(argument: _entrim_agent_v1_AccountActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  UnrestrictAccount(argument: _entrim_agent_v1_AccountActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  UnrestrictAccount(argument: _entrim_agent_v1_AccountActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  UnrestrictAccount(argument: _entrim_agent_v1_AccountActionRequest, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  unrestrictAccount(argument: _entrim_agent_v1_AccountActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  unrestrictAccount(argument: _entrim_agent_v1_AccountActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  unrestrictAccount(argument: _entrim_agent_v1_AccountActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  unrestrictAccount(argument: _entrim_agent_v1_AccountActionRequest, callback: grpc.requestCallback<_entrim_agent_v1_AccountActionResult__Output>): grpc.ClientUnaryCall;
  
}

export interface AccountServiceHandlers extends grpc.UntypedServiceImplementation {
  CompleteDataSubjectRequest: grpc.handleUnaryCall<_entrim_agent_v1_CompleteDataSubjectRequestRequest__Output, _entrim_agent_v1_DataSubjectRequest>;
  
  EraseAccount: grpc.handleUnaryCall<_entrim_agent_v1_AccountActionRequest__Output, _entrim_agent_v1_AccountActionResult>;
  
  ExportAccount: grpc.handleServerStreamingCall<_entrim_agent_v1_ExportAccountRequest__Output, _entrim_agent_v1_ExportAccountChunk>;
  
  ExportInvoice: grpc.handleUnaryCall<_entrim_agent_v1_ExportInvoiceRequest__Output, _entrim_agent_v1_InvoiceDocument>;
  
  GetAccount: grpc.handleUnaryCall<_entrim_agent_v1_GetAccountRequest__Output, _entrim_agent_v1_AccountDetail>;
  
  GetInvoice: grpc.handleUnaryCall<_entrim_agent_v1_GetInvoiceRequest__Output, _entrim_agent_v1_InvoiceDetail>;
  
  GetLimits: grpc.handleUnaryCall<_entrim_agent_v1_GetLimitsRequest__Output, _entrim_agent_v1_Limits>;
  
  ListAccounts: grpc.handleUnaryCall<_entrim_agent_v1_ListAccountsRequest__Output, _entrim_agent_v1_ListAccountsResponse>;
  
  ListApiKeys: grpc.handleUnaryCall<_entrim_agent_v1_ListApiKeysRequest__Output, _entrim_agent_v1_ListApiKeysResponse>;
  
  ListDataSubjectRequests: grpc.handleUnaryCall<_entrim_agent_v1_ListDataSubjectRequestsRequest__Output, _entrim_agent_v1_ListDataSubjectRequestsResponse>;
  
  ListInvoices: grpc.handleUnaryCall<_entrim_agent_v1_ListInvoicesRequest__Output, _entrim_agent_v1_ListInvoicesResponse>;
  
  RejectDataSubjectRequest: grpc.handleUnaryCall<_entrim_agent_v1_RejectDataSubjectRequestRequest__Output, _entrim_agent_v1_DataSubjectRequest>;
  
  RestrictAccount: grpc.handleUnaryCall<_entrim_agent_v1_AccountActionRequest__Output, _entrim_agent_v1_AccountActionResult>;
  
  RevokeApiKey: grpc.handleUnaryCall<_entrim_agent_v1_RevokeApiKeyRequest__Output, _entrim_agent_v1_ApiKey>;
  
  SetLimits: grpc.handleUnaryCall<_entrim_agent_v1_SetLimitsRequest__Output, _entrim_agent_v1_Limits>;
  
  UnrestrictAccount: grpc.handleUnaryCall<_entrim_agent_v1_AccountActionRequest__Output, _entrim_agent_v1_AccountActionResult>;
  
}

export interface AccountServiceDefinition extends grpc.ServiceDefinition {
  CompleteDataSubjectRequest: MethodDefinition<_entrim_agent_v1_CompleteDataSubjectRequestRequest, _entrim_agent_v1_DataSubjectRequest, _entrim_agent_v1_CompleteDataSubjectRequestRequest__Output, _entrim_agent_v1_DataSubjectRequest__Output>
  EraseAccount: MethodDefinition<_entrim_agent_v1_AccountActionRequest, _entrim_agent_v1_AccountActionResult, _entrim_agent_v1_AccountActionRequest__Output, _entrim_agent_v1_AccountActionResult__Output>
  ExportAccount: MethodDefinition<_entrim_agent_v1_ExportAccountRequest, _entrim_agent_v1_ExportAccountChunk, _entrim_agent_v1_ExportAccountRequest__Output, _entrim_agent_v1_ExportAccountChunk__Output>
  ExportInvoice: MethodDefinition<_entrim_agent_v1_ExportInvoiceRequest, _entrim_agent_v1_InvoiceDocument, _entrim_agent_v1_ExportInvoiceRequest__Output, _entrim_agent_v1_InvoiceDocument__Output>
  GetAccount: MethodDefinition<_entrim_agent_v1_GetAccountRequest, _entrim_agent_v1_AccountDetail, _entrim_agent_v1_GetAccountRequest__Output, _entrim_agent_v1_AccountDetail__Output>
  GetInvoice: MethodDefinition<_entrim_agent_v1_GetInvoiceRequest, _entrim_agent_v1_InvoiceDetail, _entrim_agent_v1_GetInvoiceRequest__Output, _entrim_agent_v1_InvoiceDetail__Output>
  GetLimits: MethodDefinition<_entrim_agent_v1_GetLimitsRequest, _entrim_agent_v1_Limits, _entrim_agent_v1_GetLimitsRequest__Output, _entrim_agent_v1_Limits__Output>
  ListAccounts: MethodDefinition<_entrim_agent_v1_ListAccountsRequest, _entrim_agent_v1_ListAccountsResponse, _entrim_agent_v1_ListAccountsRequest__Output, _entrim_agent_v1_ListAccountsResponse__Output>
  ListApiKeys: MethodDefinition<_entrim_agent_v1_ListApiKeysRequest, _entrim_agent_v1_ListApiKeysResponse, _entrim_agent_v1_ListApiKeysRequest__Output, _entrim_agent_v1_ListApiKeysResponse__Output>
  ListDataSubjectRequests: MethodDefinition<_entrim_agent_v1_ListDataSubjectRequestsRequest, _entrim_agent_v1_ListDataSubjectRequestsResponse, _entrim_agent_v1_ListDataSubjectRequestsRequest__Output, _entrim_agent_v1_ListDataSubjectRequestsResponse__Output>
  ListInvoices: MethodDefinition<_entrim_agent_v1_ListInvoicesRequest, _entrim_agent_v1_ListInvoicesResponse, _entrim_agent_v1_ListInvoicesRequest__Output, _entrim_agent_v1_ListInvoicesResponse__Output>
  RejectDataSubjectRequest: MethodDefinition<_entrim_agent_v1_RejectDataSubjectRequestRequest, _entrim_agent_v1_DataSubjectRequest, _entrim_agent_v1_RejectDataSubjectRequestRequest__Output, _entrim_agent_v1_DataSubjectRequest__Output>
  RestrictAccount: MethodDefinition<_entrim_agent_v1_AccountActionRequest, _entrim_agent_v1_AccountActionResult, _entrim_agent_v1_AccountActionRequest__Output, _entrim_agent_v1_AccountActionResult__Output>
  RevokeApiKey: MethodDefinition<_entrim_agent_v1_RevokeApiKeyRequest, _entrim_agent_v1_ApiKey, _entrim_agent_v1_RevokeApiKeyRequest__Output, _entrim_agent_v1_ApiKey__Output>
  SetLimits: MethodDefinition<_entrim_agent_v1_SetLimitsRequest, _entrim_agent_v1_Limits, _entrim_agent_v1_SetLimitsRequest__Output, _entrim_agent_v1_Limits__Output>
  UnrestrictAccount: MethodDefinition<_entrim_agent_v1_AccountActionRequest, _entrim_agent_v1_AccountActionResult, _entrim_agent_v1_AccountActionRequest__Output, _entrim_agent_v1_AccountActionResult__Output>
}
