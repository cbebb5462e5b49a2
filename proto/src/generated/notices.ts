import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AccountDelivery as _entrim_agent_v1_AccountDelivery, AccountDelivery__Output as _entrim_agent_v1_AccountDelivery__Output } from './entrim/agent/v1/AccountDelivery.js';
import type { DeliveryCounts as _entrim_agent_v1_DeliveryCounts, DeliveryCounts__Output as _entrim_agent_v1_DeliveryCounts__Output } from './entrim/agent/v1/DeliveryCounts.js';
import type { DeprecateModelRequest as _entrim_agent_v1_DeprecateModelRequest, DeprecateModelRequest__Output as _entrim_agent_v1_DeprecateModelRequest__Output } from './entrim/agent/v1/DeprecateModelRequest.js';
import type { GetNoticeDeliveriesRequest as _entrim_agent_v1_GetNoticeDeliveriesRequest, GetNoticeDeliveriesRequest__Output as _entrim_agent_v1_GetNoticeDeliveriesRequest__Output } from './entrim/agent/v1/GetNoticeDeliveriesRequest.js';
import type { GetNoticeDeliveriesResponse as _entrim_agent_v1_GetNoticeDeliveriesResponse, GetNoticeDeliveriesResponse__Output as _entrim_agent_v1_GetNoticeDeliveriesResponse__Output } from './entrim/agent/v1/GetNoticeDeliveriesResponse.js';
import type { ListNoticesRequest as _entrim_agent_v1_ListNoticesRequest, ListNoticesRequest__Output as _entrim_agent_v1_ListNoticesRequest__Output } from './entrim/agent/v1/ListNoticesRequest.js';
import type { ListNoticesResponse as _entrim_agent_v1_ListNoticesResponse, ListNoticesResponse__Output as _entrim_agent_v1_ListNoticesResponse__Output } from './entrim/agent/v1/ListNoticesResponse.js';
import type { MailDelivery as _entrim_agent_v1_MailDelivery, MailDelivery__Output as _entrim_agent_v1_MailDelivery__Output } from './entrim/agent/v1/MailDelivery.js';
import type { NoticeMessage as _entrim_agent_v1_NoticeMessage, NoticeMessage__Output as _entrim_agent_v1_NoticeMessage__Output } from './entrim/agent/v1/NoticeMessage.js';
import type { NoticesServiceClient as _entrim_agent_v1_NoticesServiceClient, NoticesServiceDefinition as _entrim_agent_v1_NoticesServiceDefinition } from './entrim/agent/v1/NoticesService.js';
import type { PublishNoticeRequest as _entrim_agent_v1_PublishNoticeRequest, PublishNoticeRequest__Output as _entrim_agent_v1_PublishNoticeRequest__Output } from './entrim/agent/v1/PublishNoticeRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  entrim: {
    agent: {
      v1: {
        AccountDelivery: MessageTypeDefinition<_entrim_agent_v1_AccountDelivery, _entrim_agent_v1_AccountDelivery__Output>
        DeliveryCounts: MessageTypeDefinition<_entrim_agent_v1_DeliveryCounts, _entrim_agent_v1_DeliveryCounts__Output>
        DeprecateModelRequest: MessageTypeDefinition<_entrim_agent_v1_DeprecateModelRequest, _entrim_agent_v1_DeprecateModelRequest__Output>
        GetNoticeDeliveriesRequest: MessageTypeDefinition<_entrim_agent_v1_GetNoticeDeliveriesRequest, _entrim_agent_v1_GetNoticeDeliveriesRequest__Output>
        GetNoticeDeliveriesResponse: MessageTypeDefinition<_entrim_agent_v1_GetNoticeDeliveriesResponse, _entrim_agent_v1_GetNoticeDeliveriesResponse__Output>
        ListNoticesRequest: MessageTypeDefinition<_entrim_agent_v1_ListNoticesRequest, _entrim_agent_v1_ListNoticesRequest__Output>
        ListNoticesResponse: MessageTypeDefinition<_entrim_agent_v1_ListNoticesResponse, _entrim_agent_v1_ListNoticesResponse__Output>
        MailDelivery: MessageTypeDefinition<_entrim_agent_v1_MailDelivery, _entrim_agent_v1_MailDelivery__Output>
        NoticeMessage: MessageTypeDefinition<_entrim_agent_v1_NoticeMessage, _entrim_agent_v1_NoticeMessage__Output>
        NoticesService: SubtypeConstructor<typeof grpc.Client, _entrim_agent_v1_NoticesServiceClient> & { service: _entrim_agent_v1_NoticesServiceDefinition }
        PublishNoticeRequest: MessageTypeDefinition<_entrim_agent_v1_PublishNoticeRequest, _entrim_agent_v1_PublishNoticeRequest__Output>
      }
    }
  }
}

