import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Account as _entrim_agent_v1_Account, Account__Output as _entrim_agent_v1_Account__Output } from './entrim/agent/v1/Account.js';
import type { AccountActionRequest as _entrim_agent_v1_AccountActionRequest, AccountActionRequest__Output as _entrim_agent_v1_AccountActionRequest__Output } from './entrim/agent/v1/AccountActionRequest.js';
import type { AccountActionResult as _entrim_agent_v1_AccountActionResult, AccountActionResult__Output as _entrim_agent_v1_AccountActionResult__Output } from './entrim/agent/v1/AccountActionResult.js';
import type { AccountDetail as _entrim_agent_v1_AccountDetail, AccountDetail__Output as _entrim_agent_v1_AccountDetail__Output } from './entrim/agent/v1/AccountDetail.js';
import type { AccountServiceClient as _entrim_agent_v1_AccountServiceClient, AccountServiceDefinition as _entrim_agent_v1_AccountServiceDefinition } from './entrim/agent/v1/AccountService.js';
import type { ApiKey as _entrim_agent_v1_ApiKey, ApiKey__Output as _entrim_agent_v1_ApiKey__Output } from './entrim/agent/v1/ApiKey.js';
import type { CompleteDataSubjectRequestRequest as _entrim_agent_v1_CompleteDataSubjectRequestRequest, CompleteDataSubjectRequestRequest__Output as _entrim_agent_v1_CompleteDataSubjectRequestRequest__Output } from './entrim/agent/v1/CompleteDataSubjectRequestRequest.js';
import type { DataSubjectRequest as _entrim_agent_v1_DataSubjectRequest, DataSubjectRequest__Output as _entrim_agent_v1_DataSubjectRequest__Output } from './entrim/agent/v1/DataSubjectRequest.js';
import type { ExportAccountChunk as _entrim_agent_v1_ExportAccountChunk, ExportAccountChunk__Output as _entrim_agent_v1_ExportAccountChunk__Output } from './entrim/agent/v1/ExportAccountChunk.js';
import type { ExportAccountRequest as _entrim_agent_v1_ExportAccountRequest, ExportAccountRequest__Output as _entrim_agent_v1_ExportAccountRequest__Output } from './entrim/agent/v1/ExportAccountRequest.js';
import type { ExportInvoiceRequest as _entrim_agent_v1_ExportInvoiceRequest, ExportInvoiceRequest__Output as _entrim_agent_v1_ExportInvoiceRequest__Output } from './entrim/agent/v1/ExportInvoiceRequest.js';
import type { GetAccountRequest as _entrim_agent_v1_GetAccountRequest, GetAccountRequest__Output as _entrim_agent_v1_GetAccountRequest__Output } from './entrim/agent/v1/GetAccountRequest.js';
import type { GetInvoiceRequest as _entrim_agent_v1_GetInvoiceRequest, GetInvoiceRequest__Output as _entrim_agent_v1_GetInvoiceRequest__Output } from './entrim/agent/v1/GetInvoiceRequest.js';
import type { GetLimitsRequest as _entrim_agent_v1_GetLimitsRequest, GetLimitsRequest__Output as _entrim_agent_v1_GetLimitsRequest__Output } from './entrim/agent/v1/GetLimitsRequest.js';
import type { Invoice as _entrim_agent_v1_Invoice, Invoice__Output as _entrim_agent_v1_Invoice__Output } from './entrim/agent/v1/Invoice.js';
import type { InvoiceDetail as _entrim_agent_v1_InvoiceDetail, InvoiceDetail__Output as _entrim_agent_v1_InvoiceDetail__Output } from './entrim/agent/v1/InvoiceDetail.js';
import type { InvoiceDocument as _entrim_agent_v1_InvoiceDocument, InvoiceDocument__Output as _entrim_agent_v1_InvoiceDocument__Output } from './entrim/agent/v1/InvoiceDocument.js';
import type { InvoiceLine as _entrim_agent_v1_InvoiceLine, InvoiceLine__Output as _entrim_agent_v1_InvoiceLine__Output } from './entrim/agent/v1/InvoiceLine.js';
import type { Limit as _entrim_agent_v1_Limit, Limit__Output as _entrim_agent_v1_Limit__Output } from './entrim/agent/v1/Limit.js';
import type { Limits as _entrim_agent_v1_Limits, Limits__Output as _entrim_agent_v1_Limits__Output } from './entrim/agent/v1/Limits.js';
import type { ListAccountsRequest as _entrim_agent_v1_ListAccountsRequest, ListAccountsRequest__Output as _entrim_agent_v1_ListAccountsRequest__Output } from './entrim/agent/v1/ListAccountsRequest.js';
import type { ListAccountsResponse as _entrim_agent_v1_ListAccountsResponse, ListAccountsResponse__Output as _entrim_agent_v1_ListAccountsResponse__Output } from './entrim/agent/v1/ListAccountsResponse.js';
import type { ListApiKeysRequest as _entrim_agent_v1_ListApiKeysRequest, ListApiKeysRequest__Output as _entrim_agent_v1_ListApiKeysRequest__Output } from './entrim/agent/v1/ListApiKeysRequest.js';
import type { ListApiKeysResponse as _entrim_agent_v1_ListApiKeysResponse, ListApiKeysResponse__Output as _entrim_agent_v1_ListApiKeysResponse__Output } from './entrim/agent/v1/ListApiKeysResponse.js';
import type { ListDataSubjectRequestsRequest as _entrim_agent_v1_ListDataSubjectRequestsRequest, ListDataSubjectRequestsRequest__Output as _entrim_agent_v1_ListDataSubjectRequestsRequest__Output } from './entrim/agent/v1/ListDataSubjectRequestsRequest.js';
import type { ListDataSubjectRequestsResponse as _entrim_agent_v1_ListDataSubjectRequestsResponse, ListDataSubjectRequestsResponse__Output as _entrim_agent_v1_ListDataSubjectRequestsResponse__Output } from './entrim/agent/v1/ListDataSubjectRequestsResponse.js';
import type { ListInvoicesRequest as _entrim_agent_v1_ListInvoicesRequest, ListInvoicesRequest__Output as _entrim_agent_v1_ListInvoicesRequest__Output } from './entrim/agent/v1/ListInvoicesRequest.js';
import type { ListInvoicesResponse as _entrim_agent_v1_ListInvoicesResponse, ListInvoicesResponse__Output as _entrim_agent_v1_ListInvoicesResponse__Output } from './entrim/agent/v1/ListInvoicesResponse.js';
import type { RejectDataSubjectRequestRequest as _entrim_agent_v1_RejectDataSubjectRequestRequest, RejectDataSubjectRequestRequest__Output as _entrim_agent_v1_RejectDataSubjectRequestRequest__Output } from './entrim/agent/v1/RejectDataSubjectRequestRequest.js';
import type { RevokeApiKeyRequest as _entrim_agent_v1_RevokeApiKeyRequest, RevokeApiKeyRequest__Output as _entrim_agent_v1_RevokeApiKeyRequest__Output } from './entrim/agent/v1/RevokeApiKeyRequest.js';
import type { SetLimitsRequest as _entrim_agent_v1_SetLimitsRequest, SetLimitsRequest__Output as _entrim_agent_v1_SetLimitsRequest__Output } from './entrim/agent/v1/SetLimitsRequest.js';
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
        AccountActionRequest: MessageTypeDefinition<_entrim_agent_v1_AccountActionRequest, _entrim_agent_v1_AccountActionRequest__Output>
        AccountActionResult: MessageTypeDefinition<_entrim_agent_v1_AccountActionResult, _entrim_agent_v1_AccountActionResult__Output>
        AccountDetail: MessageTypeDefinition<_entrim_agent_v1_AccountDetail, _entrim_agent_v1_AccountDetail__Output>
        AccountService: SubtypeConstructor<typeof grpc.Client, _entrim_agent_v1_AccountServiceClient> & { service: _entrim_agent_v1_AccountServiceDefinition }
        ApiKey: MessageTypeDefinition<_entrim_agent_v1_ApiKey, _entrim_agent_v1_ApiKey__Output>
        CompleteDataSubjectRequestRequest: MessageTypeDefinition<_entrim_agent_v1_CompleteDataSubjectRequestRequest, _entrim_agent_v1_CompleteDataSubjectRequestRequest__Output>
        DataSubjectRequest: MessageTypeDefinition<_entrim_agent_v1_DataSubjectRequest, _entrim_agent_v1_DataSubjectRequest__Output>
        ExportAccountChunk: MessageTypeDefinition<_entrim_agent_v1_ExportAccountChunk, _entrim_agent_v1_ExportAccountChunk__Output>
        ExportAccountRequest: MessageTypeDefinition<_entrim_agent_v1_ExportAccountRequest, _entrim_agent_v1_ExportAccountRequest__Output>
        ExportInvoiceRequest: MessageTypeDefinition<_entrim_agent_v1_ExportInvoiceRequest, _entrim_agent_v1_ExportInvoiceRequest__Output>
        GetAccountRequest: MessageTypeDefinition<_entrim_agent_v1_GetAccountRequest, _entrim_agent_v1_GetAccountRequest__Output>
        GetInvoiceRequest: MessageTypeDefinition<_entrim_agent_v1_GetInvoiceRequest, _entrim_agent_v1_GetInvoiceRequest__Output>
        GetLimitsRequest: MessageTypeDefinition<_entrim_agent_v1_GetLimitsRequest, _entrim_agent_v1_GetLimitsRequest__Output>
        Invoice: MessageTypeDefinition<_entrim_agent_v1_Invoice, _entrim_agent_v1_Invoice__Output>
        InvoiceDetail: MessageTypeDefinition<_entrim_agent_v1_InvoiceDetail, _entrim_agent_v1_InvoiceDetail__Output>
        InvoiceDocument: MessageTypeDefinition<_entrim_agent_v1_InvoiceDocument, _entrim_agent_v1_InvoiceDocument__Output>
        InvoiceFormat: EnumTypeDefinition
        InvoiceLine: MessageTypeDefinition<_entrim_agent_v1_InvoiceLine, _entrim_agent_v1_InvoiceLine__Output>
        Limit: MessageTypeDefinition<_entrim_agent_v1_Limit, _entrim_agent_v1_Limit__Output>
        Limits: MessageTypeDefinition<_entrim_agent_v1_Limits, _entrim_agent_v1_Limits__Output>
        ListAccountsRequest: MessageTypeDefinition<_entrim_agent_v1_ListAccountsRequest, _entrim_agent_v1_ListAccountsRequest__Output>
        ListAccountsResponse: MessageTypeDefinition<_entrim_agent_v1_ListAccountsResponse, _entrim_agent_v1_ListAccountsResponse__Output>
        ListApiKeysRequest: MessageTypeDefinition<_entrim_agent_v1_ListApiKeysRequest, _entrim_agent_v1_ListApiKeysRequest__Output>
        ListApiKeysResponse: MessageTypeDefinition<_entrim_agent_v1_ListApiKeysResponse, _entrim_agent_v1_ListApiKeysResponse__Output>
        ListDataSubjectRequestsRequest: MessageTypeDefinition<_entrim_agent_v1_ListDataSubjectRequestsRequest, _entrim_agent_v1_ListDataSubjectRequestsRequest__Output>
        ListDataSubjectRequestsResponse: MessageTypeDefinition<_entrim_agent_v1_ListDataSubjectRequestsResponse, _entrim_agent_v1_ListDataSubjectRequestsResponse__Output>
        ListInvoicesRequest: MessageTypeDefinition<_entrim_agent_v1_ListInvoicesRequest, _entrim_agent_v1_ListInvoicesRequest__Output>
        ListInvoicesResponse: MessageTypeDefinition<_entrim_agent_v1_ListInvoicesResponse, _entrim_agent_v1_ListInvoicesResponse__Output>
        RejectDataSubjectRequestRequest: MessageTypeDefinition<_entrim_agent_v1_RejectDataSubjectRequestRequest, _entrim_agent_v1_RejectDataSubjectRequestRequest__Output>
        RevokeApiKeyRequest: MessageTypeDefinition<_entrim_agent_v1_RevokeApiKeyRequest, _entrim_agent_v1_RevokeApiKeyRequest__Output>
        SetLimitsRequest: MessageTypeDefinition<_entrim_agent_v1_SetLimitsRequest, _entrim_agent_v1_SetLimitsRequest__Output>
        UsageDay: MessageTypeDefinition<_entrim_agent_v1_UsageDay, _entrim_agent_v1_UsageDay__Output>
        UsageSummary: MessageTypeDefinition<_entrim_agent_v1_UsageSummary, _entrim_agent_v1_UsageSummary__Output>
      }
    }
  }
}

