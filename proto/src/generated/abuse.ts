import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AbuseFlag as _entrim_agent_v1_AbuseFlag, AbuseFlag__Output as _entrim_agent_v1_AbuseFlag__Output } from './entrim/agent/v1/AbuseFlag.js';
import type { AbuseServiceClient as _entrim_agent_v1_AbuseServiceClient, AbuseServiceDefinition as _entrim_agent_v1_AbuseServiceDefinition } from './entrim/agent/v1/AbuseService.js';
import type { ListAbuseFlagsRequest as _entrim_agent_v1_ListAbuseFlagsRequest, ListAbuseFlagsRequest__Output as _entrim_agent_v1_ListAbuseFlagsRequest__Output } from './entrim/agent/v1/ListAbuseFlagsRequest.js';
import type { ListAbuseFlagsResponse as _entrim_agent_v1_ListAbuseFlagsResponse, ListAbuseFlagsResponse__Output as _entrim_agent_v1_ListAbuseFlagsResponse__Output } from './entrim/agent/v1/ListAbuseFlagsResponse.js';
import type { ListSecurityEventsRequest as _entrim_agent_v1_ListSecurityEventsRequest, ListSecurityEventsRequest__Output as _entrim_agent_v1_ListSecurityEventsRequest__Output } from './entrim/agent/v1/ListSecurityEventsRequest.js';
import type { ListSecurityEventsResponse as _entrim_agent_v1_ListSecurityEventsResponse, ListSecurityEventsResponse__Output as _entrim_agent_v1_ListSecurityEventsResponse__Output } from './entrim/agent/v1/ListSecurityEventsResponse.js';
import type { ListSuspensionsRequest as _entrim_agent_v1_ListSuspensionsRequest, ListSuspensionsRequest__Output as _entrim_agent_v1_ListSuspensionsRequest__Output } from './entrim/agent/v1/ListSuspensionsRequest.js';
import type { ListSuspensionsResponse as _entrim_agent_v1_ListSuspensionsResponse, ListSuspensionsResponse__Output as _entrim_agent_v1_ListSuspensionsResponse__Output } from './entrim/agent/v1/ListSuspensionsResponse.js';
import type { ResolveAbuseFlagRequest as _entrim_agent_v1_ResolveAbuseFlagRequest, ResolveAbuseFlagRequest__Output as _entrim_agent_v1_ResolveAbuseFlagRequest__Output } from './entrim/agent/v1/ResolveAbuseFlagRequest.js';
import type { SecurityEvent as _entrim_agent_v1_SecurityEvent, SecurityEvent__Output as _entrim_agent_v1_SecurityEvent__Output } from './entrim/agent/v1/SecurityEvent.js';
import type { SuspendRequest as _entrim_agent_v1_SuspendRequest, SuspendRequest__Output as _entrim_agent_v1_SuspendRequest__Output } from './entrim/agent/v1/SuspendRequest.js';
import type { Suspension as _entrim_agent_v1_Suspension, Suspension__Output as _entrim_agent_v1_Suspension__Output } from './entrim/agent/v1/Suspension.js';
import type { SuspensionChange as _entrim_agent_v1_SuspensionChange, SuspensionChange__Output as _entrim_agent_v1_SuspensionChange__Output } from './entrim/agent/v1/SuspensionChange.js';
import type { UnsuspendRequest as _entrim_agent_v1_UnsuspendRequest, UnsuspendRequest__Output as _entrim_agent_v1_UnsuspendRequest__Output } from './entrim/agent/v1/UnsuspendRequest.js';
import type { WatchSecurityEventsRequest as _entrim_agent_v1_WatchSecurityEventsRequest, WatchSecurityEventsRequest__Output as _entrim_agent_v1_WatchSecurityEventsRequest__Output } from './entrim/agent/v1/WatchSecurityEventsRequest.js';
import type { WatchSuspensionsRequest as _entrim_agent_v1_WatchSuspensionsRequest, WatchSuspensionsRequest__Output as _entrim_agent_v1_WatchSuspensionsRequest__Output } from './entrim/agent/v1/WatchSuspensionsRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  entrim: {
    agent: {
      v1: {
        AbuseFlag: MessageTypeDefinition<_entrim_agent_v1_AbuseFlag, _entrim_agent_v1_AbuseFlag__Output>
        AbuseService: SubtypeConstructor<typeof grpc.Client, _entrim_agent_v1_AbuseServiceClient> & { service: _entrim_agent_v1_AbuseServiceDefinition }
        ListAbuseFlagsRequest: MessageTypeDefinition<_entrim_agent_v1_ListAbuseFlagsRequest, _entrim_agent_v1_ListAbuseFlagsRequest__Output>
        ListAbuseFlagsResponse: MessageTypeDefinition<_entrim_agent_v1_ListAbuseFlagsResponse, _entrim_agent_v1_ListAbuseFlagsResponse__Output>
        ListSecurityEventsRequest: MessageTypeDefinition<_entrim_agent_v1_ListSecurityEventsRequest, _entrim_agent_v1_ListSecurityEventsRequest__Output>
        ListSecurityEventsResponse: MessageTypeDefinition<_entrim_agent_v1_ListSecurityEventsResponse, _entrim_agent_v1_ListSecurityEventsResponse__Output>
        ListSuspensionsRequest: MessageTypeDefinition<_entrim_agent_v1_ListSuspensionsRequest, _entrim_agent_v1_ListSuspensionsRequest__Output>
        ListSuspensionsResponse: MessageTypeDefinition<_entrim_agent_v1_ListSuspensionsResponse, _entrim_agent_v1_ListSuspensionsResponse__Output>
        ResolveAbuseFlagRequest: MessageTypeDefinition<_entrim_agent_v1_ResolveAbuseFlagRequest, _entrim_agent_v1_ResolveAbuseFlagRequest__Output>
        SecurityEvent: MessageTypeDefinition<_entrim_agent_v1_SecurityEvent, _entrim_agent_v1_SecurityEvent__Output>
        SuspendRequest: MessageTypeDefinition<_entrim_agent_v1_SuspendRequest, _entrim_agent_v1_SuspendRequest__Output>
        Suspension: MessageTypeDefinition<_entrim_agent_v1_Suspension, _entrim_agent_v1_Suspension__Output>
        SuspensionChange: MessageTypeDefinition<_entrim_agent_v1_SuspensionChange, _entrim_agent_v1_SuspensionChange__Output>
        SuspensionReason: EnumTypeDefinition
        SuspensionState: EnumTypeDefinition
        TargetType: EnumTypeDefinition
        UnsuspendRequest: MessageTypeDefinition<_entrim_agent_v1_UnsuspendRequest, _entrim_agent_v1_UnsuspendRequest__Output>
        WatchSecurityEventsRequest: MessageTypeDefinition<_entrim_agent_v1_WatchSecurityEventsRequest, _entrim_agent_v1_WatchSecurityEventsRequest__Output>
        WatchSuspensionsRequest: MessageTypeDefinition<_entrim_agent_v1_WatchSuspensionsRequest, _entrim_agent_v1_WatchSuspensionsRequest__Output>
      }
    }
  }
}

