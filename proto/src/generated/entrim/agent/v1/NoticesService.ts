// Original file: entrim/agent/v1/notices.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeprecateModelRequest as _entrim_agent_v1_DeprecateModelRequest, DeprecateModelRequest__Output as _entrim_agent_v1_DeprecateModelRequest__Output } from '../../../entrim/agent/v1/DeprecateModelRequest.js';
import type { GetNoticeDeliveriesRequest as _entrim_agent_v1_GetNoticeDeliveriesRequest, GetNoticeDeliveriesRequest__Output as _entrim_agent_v1_GetNoticeDeliveriesRequest__Output } from '../../../entrim/agent/v1/GetNoticeDeliveriesRequest.js';
import type { GetNoticeDeliveriesResponse as _entrim_agent_v1_GetNoticeDeliveriesResponse, GetNoticeDeliveriesResponse__Output as _entrim_agent_v1_GetNoticeDeliveriesResponse__Output } from '../../../entrim/agent/v1/GetNoticeDeliveriesResponse.js';
import type { ListNoticesRequest as _entrim_agent_v1_ListNoticesRequest, ListNoticesRequest__Output as _entrim_agent_v1_ListNoticesRequest__Output } from '../../../entrim/agent/v1/ListNoticesRequest.js';
import type { ListNoticesResponse as _entrim_agent_v1_ListNoticesResponse, ListNoticesResponse__Output as _entrim_agent_v1_ListNoticesResponse__Output } from '../../../entrim/agent/v1/ListNoticesResponse.js';
import type { NoticeMessage as _entrim_agent_v1_NoticeMessage, NoticeMessage__Output as _entrim_agent_v1_NoticeMessage__Output } from '../../../entrim/agent/v1/NoticeMessage.js';
import type { PublishNoticeRequest as _entrim_agent_v1_PublishNoticeRequest, PublishNoticeRequest__Output as _entrim_agent_v1_PublishNoticeRequest__Output } from '../../../entrim/agent/v1/PublishNoticeRequest.js';

export interface NoticesServiceClient extends grpc.Client {
  DeprecateModel(argument: _entrim_agent_v1_DeprecateModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_NoticeMessage__Output>): grpc.ClientUnaryCall;
  DeprecateModel(argument: _entrim_agent_v1_DeprecateModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_NoticeMessage__Output>): grpc.ClientUnaryCall;
  DeprecateModel(argument: _entrim_agent_v1_DeprecateModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_NoticeMessage__Output>): grpc.ClientUnaryCall;
  DeprecateModel(argument: _entrim_agent_v1_DeprecateModelRequest, callback: grpc.requestCallback<_entrim_agent_v1_NoticeMessage__Output>): grpc.ClientUnaryCall;
  deprecateModel(argument: _entrim_agent_v1_DeprecateModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_NoticeMessage__Output>): grpc.ClientUnaryCall;
  deprecateModel(argument: _entrim_agent_v1_DeprecateModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_NoticeMessage__Output>): grpc.ClientUnaryCall;
  deprecateModel(argument: _entrim_agent_v1_DeprecateModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_NoticeMessage__Output>): grpc.ClientUnaryCall;
  deprecateModel(argument: _entrim_agent_v1_DeprecateModelRequest, callback: grpc.requestCallback<_entrim_agent_v1_NoticeMessage__Output>): grpc.ClientUnaryCall;
  
  GetNoticeDeliveries(argument: _entrim_agent_v1_GetNoticeDeliveriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_GetNoticeDeliveriesResponse__Output>): grpc.ClientUnaryCall;
  GetNoticeDeliveries(argument: _entrim_agent_v1_GetNoticeDeliveriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_GetNoticeDeliveriesResponse__Output>): grpc.ClientUnaryCall;
  GetNoticeDeliveries(argument: _entrim_agent_v1_GetNoticeDeliveriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_GetNoticeDeliveriesResponse__Output>): grpc.ClientUnaryCall;
  GetNoticeDeliveries(argument: _entrim_agent_v1_GetNoticeDeliveriesRequest, callback: grpc.requestCallback<_entrim_agent_v1_GetNoticeDeliveriesResponse__Output>): grpc.ClientUnaryCall;
  getNoticeDeliveries(argument: _entrim_agent_v1_GetNoticeDeliveriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_GetNoticeDeliveriesResponse__Output>): grpc.ClientUnaryCall;
  getNoticeDeliveries(argument: _entrim_agent_v1_GetNoticeDeliveriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_GetNoticeDeliveriesResponse__Output>): grpc.ClientUnaryCall;
  getNoticeDeliveries(argument: _entrim_agent_v1_GetNoticeDeliveriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_GetNoticeDeliveriesResponse__Output>): grpc.ClientUnaryCall;
  getNoticeDeliveries(argument: _entrim_agent_v1_GetNoticeDeliveriesRequest, callback: grpc.requestCallback<_entrim_agent_v1_GetNoticeDeliveriesResponse__Output>): grpc.ClientUnaryCall;
  
  ListNotices(argument: _entrim_agent_v1_ListNoticesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListNoticesResponse__Output>): grpc.ClientUnaryCall;
  ListNotices(argument: _entrim_agent_v1_ListNoticesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListNoticesResponse__Output>): grpc.ClientUnaryCall;
  ListNotices(argument: _entrim_agent_v1_ListNoticesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListNoticesResponse__Output>): grpc.ClientUnaryCall;
  ListNotices(argument: _entrim_agent_v1_ListNoticesRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListNoticesResponse__Output>): grpc.ClientUnaryCall;
  listNotices(argument: _entrim_agent_v1_ListNoticesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListNoticesResponse__Output>): grpc.ClientUnaryCall;
  listNotices(argument: _entrim_agent_v1_ListNoticesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListNoticesResponse__Output>): grpc.ClientUnaryCall;
  listNotices(argument: _entrim_agent_v1_ListNoticesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListNoticesResponse__Output>): grpc.ClientUnaryCall;
  listNotices(argument: _entrim_agent_v1_ListNoticesRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListNoticesResponse__Output>): grpc.ClientUnaryCall;
  
  PublishNotice(argument: _entrim_agent_v1_PublishNoticeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_NoticeMessage__Output>): grpc.ClientUnaryCall;
  PublishNotice(argument: _entrim_agent_v1_PublishNoticeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_NoticeMessage__Output>): grpc.ClientUnaryCall;
  PublishNotice(argument: _entrim_agent_v1_PublishNoticeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_NoticeMessage__Output>): grpc.ClientUnaryCall;
  PublishNotice(argument: _entrim_agent_v1_PublishNoticeRequest, callback: grpc.requestCallback<_entrim_agent_v1_NoticeMessage__Output>): grpc.ClientUnaryCall;
  publishNotice(argument: _entrim_agent_v1_PublishNoticeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_NoticeMessage__Output>): grpc.ClientUnaryCall;
  publishNotice(argument: _entrim_agent_v1_PublishNoticeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_NoticeMessage__Output>): grpc.ClientUnaryCall;
  publishNotice(argument: _entrim_agent_v1_PublishNoticeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_NoticeMessage__Output>): grpc.ClientUnaryCall;
  publishNotice(argument: _entrim_agent_v1_PublishNoticeRequest, callback: grpc.requestCallback<_entrim_agent_v1_NoticeMessage__Output>): grpc.ClientUnaryCall;
  
}

export interface NoticesServiceHandlers extends grpc.UntypedServiceImplementation {
  DeprecateModel: grpc.handleUnaryCall<_entrim_agent_v1_DeprecateModelRequest__Output, _entrim_agent_v1_NoticeMessage>;
  
  GetNoticeDeliveries: grpc.handleUnaryCall<_entrim_agent_v1_GetNoticeDeliveriesRequest__Output, _entrim_agent_v1_GetNoticeDeliveriesResponse>;
  
  ListNotices: grpc.handleUnaryCall<_entrim_agent_v1_ListNoticesRequest__Output, _entrim_agent_v1_ListNoticesResponse>;
  
  PublishNotice: grpc.handleUnaryCall<_entrim_agent_v1_PublishNoticeRequest__Output, _entrim_agent_v1_NoticeMessage>;
  
}

export interface NoticesServiceDefinition extends grpc.ServiceDefinition {
  DeprecateModel: MethodDefinition<_entrim_agent_v1_DeprecateModelRequest, _entrim_agent_v1_NoticeMessage, _entrim_agent_v1_DeprecateModelRequest__Output, _entrim_agent_v1_NoticeMessage__Output>
  GetNoticeDeliveries: MethodDefinition<_entrim_agent_v1_GetNoticeDeliveriesRequest, _entrim_agent_v1_GetNoticeDeliveriesResponse, _entrim_agent_v1_GetNoticeDeliveriesRequest__Output, _entrim_agent_v1_GetNoticeDeliveriesResponse__Output>
  ListNotices: MethodDefinition<_entrim_agent_v1_ListNoticesRequest, _entrim_agent_v1_ListNoticesResponse, _entrim_agent_v1_ListNoticesRequest__Output, _entrim_agent_v1_ListNoticesResponse__Output>
  PublishNotice: MethodDefinition<_entrim_agent_v1_PublishNoticeRequest, _entrim_agent_v1_NoticeMessage, _entrim_agent_v1_PublishNoticeRequest__Output, _entrim_agent_v1_NoticeMessage__Output>
}
