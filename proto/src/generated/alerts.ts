import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AcknowledgeAlertRequest as _entrim_agent_v1_AcknowledgeAlertRequest, AcknowledgeAlertRequest__Output as _entrim_agent_v1_AcknowledgeAlertRequest__Output } from './entrim/agent/v1/AcknowledgeAlertRequest.js';
import type { Alert as _entrim_agent_v1_Alert, Alert__Output as _entrim_agent_v1_Alert__Output } from './entrim/agent/v1/Alert.js';
import type { AlertTimeline as _entrim_agent_v1_AlertTimeline, AlertTimeline__Output as _entrim_agent_v1_AlertTimeline__Output } from './entrim/agent/v1/AlertTimeline.js';
import type { AlertsServiceClient as _entrim_agent_v1_AlertsServiceClient, AlertsServiceDefinition as _entrim_agent_v1_AlertsServiceDefinition } from './entrim/agent/v1/AlertsService.js';
import type { AlertsUpdate as _entrim_agent_v1_AlertsUpdate, AlertsUpdate__Output as _entrim_agent_v1_AlertsUpdate__Output } from './entrim/agent/v1/AlertsUpdate.js';
import type { GetAlertTimelineRequest as _entrim_agent_v1_GetAlertTimelineRequest, GetAlertTimelineRequest__Output as _entrim_agent_v1_GetAlertTimelineRequest__Output } from './entrim/agent/v1/GetAlertTimelineRequest.js';
import type { ListAlertsRequest as _entrim_agent_v1_ListAlertsRequest, ListAlertsRequest__Output as _entrim_agent_v1_ListAlertsRequest__Output } from './entrim/agent/v1/ListAlertsRequest.js';
import type { ListAlertsResponse as _entrim_agent_v1_ListAlertsResponse, ListAlertsResponse__Output as _entrim_agent_v1_ListAlertsResponse__Output } from './entrim/agent/v1/ListAlertsResponse.js';
import type { SilenceAlertRequest as _entrim_agent_v1_SilenceAlertRequest, SilenceAlertRequest__Output as _entrim_agent_v1_SilenceAlertRequest__Output } from './entrim/agent/v1/SilenceAlertRequest.js';
import type { TimelineEntry as _entrim_agent_v1_TimelineEntry, TimelineEntry__Output as _entrim_agent_v1_TimelineEntry__Output } from './entrim/agent/v1/TimelineEntry.js';
import type { UnsilenceAlertRequest as _entrim_agent_v1_UnsilenceAlertRequest, UnsilenceAlertRequest__Output as _entrim_agent_v1_UnsilenceAlertRequest__Output } from './entrim/agent/v1/UnsilenceAlertRequest.js';
import type { WatchAlertsRequest as _entrim_agent_v1_WatchAlertsRequest, WatchAlertsRequest__Output as _entrim_agent_v1_WatchAlertsRequest__Output } from './entrim/agent/v1/WatchAlertsRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  entrim: {
    agent: {
      v1: {
        AcknowledgeAlertRequest: MessageTypeDefinition<_entrim_agent_v1_AcknowledgeAlertRequest, _entrim_agent_v1_AcknowledgeAlertRequest__Output>
        Alert: MessageTypeDefinition<_entrim_agent_v1_Alert, _entrim_agent_v1_Alert__Output>
        AlertFilter: EnumTypeDefinition
        AlertTimeline: MessageTypeDefinition<_entrim_agent_v1_AlertTimeline, _entrim_agent_v1_AlertTimeline__Output>
        AlertsService: SubtypeConstructor<typeof grpc.Client, _entrim_agent_v1_AlertsServiceClient> & { service: _entrim_agent_v1_AlertsServiceDefinition }
        AlertsUpdate: MessageTypeDefinition<_entrim_agent_v1_AlertsUpdate, _entrim_agent_v1_AlertsUpdate__Output>
        GetAlertTimelineRequest: MessageTypeDefinition<_entrim_agent_v1_GetAlertTimelineRequest, _entrim_agent_v1_GetAlertTimelineRequest__Output>
        ListAlertsRequest: MessageTypeDefinition<_entrim_agent_v1_ListAlertsRequest, _entrim_agent_v1_ListAlertsRequest__Output>
        ListAlertsResponse: MessageTypeDefinition<_entrim_agent_v1_ListAlertsResponse, _entrim_agent_v1_ListAlertsResponse__Output>
        SilenceAlertRequest: MessageTypeDefinition<_entrim_agent_v1_SilenceAlertRequest, _entrim_agent_v1_SilenceAlertRequest__Output>
        TimelineEntry: MessageTypeDefinition<_entrim_agent_v1_TimelineEntry, _entrim_agent_v1_TimelineEntry__Output>
        UnsilenceAlertRequest: MessageTypeDefinition<_entrim_agent_v1_UnsilenceAlertRequest, _entrim_agent_v1_UnsilenceAlertRequest__Output>
        WatchAlertsRequest: MessageTypeDefinition<_entrim_agent_v1_WatchAlertsRequest, _entrim_agent_v1_WatchAlertsRequest__Output>
      }
    }
  }
}

