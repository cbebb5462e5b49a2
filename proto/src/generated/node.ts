import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { DrainProgress as _entrim_agent_v1_DrainProgress, DrainProgress__Output as _entrim_agent_v1_DrainProgress__Output } from './entrim/agent/v1/DrainProgress.js';
import type { DrainRequest as _entrim_agent_v1_DrainRequest, DrainRequest__Output as _entrim_agent_v1_DrainRequest__Output } from './entrim/agent/v1/DrainRequest.js';
import type { DrainStatus as _entrim_agent_v1_DrainStatus, DrainStatus__Output as _entrim_agent_v1_DrainStatus__Output } from './entrim/agent/v1/DrainStatus.js';
import type { GetStatusRequest as _entrim_agent_v1_GetStatusRequest, GetStatusRequest__Output as _entrim_agent_v1_GetStatusRequest__Output } from './entrim/agent/v1/GetStatusRequest.js';
import type { GpuProcess as _entrim_agent_v1_GpuProcess, GpuProcess__Output as _entrim_agent_v1_GpuProcess__Output } from './entrim/agent/v1/GpuProcess.js';
import type { GpuSample as _entrim_agent_v1_GpuSample, GpuSample__Output as _entrim_agent_v1_GpuSample__Output } from './entrim/agent/v1/GpuSample.js';
import type { HostFilesystem as _entrim_agent_v1_HostFilesystem, HostFilesystem__Output as _entrim_agent_v1_HostFilesystem__Output } from './entrim/agent/v1/HostFilesystem.js';
import type { HostStatus as _entrim_agent_v1_HostStatus, HostStatus__Output as _entrim_agent_v1_HostStatus__Output } from './entrim/agent/v1/HostStatus.js';
import type { ModelStatus as _entrim_agent_v1_ModelStatus, ModelStatus__Output as _entrim_agent_v1_ModelStatus__Output } from './entrim/agent/v1/ModelStatus.js';
import type { NodeServiceClient as _entrim_agent_v1_NodeServiceClient, NodeServiceDefinition as _entrim_agent_v1_NodeServiceDefinition } from './entrim/agent/v1/NodeService.js';
import type { NodeSnapshot as _entrim_agent_v1_NodeSnapshot, NodeSnapshot__Output as _entrim_agent_v1_NodeSnapshot__Output } from './entrim/agent/v1/NodeSnapshot.js';
import type { SpoolStatus as _entrim_agent_v1_SpoolStatus, SpoolStatus__Output as _entrim_agent_v1_SpoolStatus__Output } from './entrim/agent/v1/SpoolStatus.js';
import type { StoreStatus as _entrim_agent_v1_StoreStatus, StoreStatus__Output as _entrim_agent_v1_StoreStatus__Output } from './entrim/agent/v1/StoreStatus.js';
import type { TrafficStats as _entrim_agent_v1_TrafficStats, TrafficStats__Output as _entrim_agent_v1_TrafficStats__Output } from './entrim/agent/v1/TrafficStats.js';
import type { UndrainRequest as _entrim_agent_v1_UndrainRequest, UndrainRequest__Output as _entrim_agent_v1_UndrainRequest__Output } from './entrim/agent/v1/UndrainRequest.js';
import type { UndrainResponse as _entrim_agent_v1_UndrainResponse, UndrainResponse__Output as _entrim_agent_v1_UndrainResponse__Output } from './entrim/agent/v1/UndrainResponse.js';
import type { WatchStatusRequest as _entrim_agent_v1_WatchStatusRequest, WatchStatusRequest__Output as _entrim_agent_v1_WatchStatusRequest__Output } from './entrim/agent/v1/WatchStatusRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  entrim: {
    agent: {
      v1: {
        DrainProgress: MessageTypeDefinition<_entrim_agent_v1_DrainProgress, _entrim_agent_v1_DrainProgress__Output>
        DrainRequest: MessageTypeDefinition<_entrim_agent_v1_DrainRequest, _entrim_agent_v1_DrainRequest__Output>
        DrainStatus: MessageTypeDefinition<_entrim_agent_v1_DrainStatus, _entrim_agent_v1_DrainStatus__Output>
        GetStatusRequest: MessageTypeDefinition<_entrim_agent_v1_GetStatusRequest, _entrim_agent_v1_GetStatusRequest__Output>
        GpuProcess: MessageTypeDefinition<_entrim_agent_v1_GpuProcess, _entrim_agent_v1_GpuProcess__Output>
        GpuSample: MessageTypeDefinition<_entrim_agent_v1_GpuSample, _entrim_agent_v1_GpuSample__Output>
        HostFilesystem: MessageTypeDefinition<_entrim_agent_v1_HostFilesystem, _entrim_agent_v1_HostFilesystem__Output>
        HostStatus: MessageTypeDefinition<_entrim_agent_v1_HostStatus, _entrim_agent_v1_HostStatus__Output>
        ModelStatus: MessageTypeDefinition<_entrim_agent_v1_ModelStatus, _entrim_agent_v1_ModelStatus__Output>
        NodeService: SubtypeConstructor<typeof grpc.Client, _entrim_agent_v1_NodeServiceClient> & { service: _entrim_agent_v1_NodeServiceDefinition }
        NodeSnapshot: MessageTypeDefinition<_entrim_agent_v1_NodeSnapshot, _entrim_agent_v1_NodeSnapshot__Output>
        NodeState: EnumTypeDefinition
        SpoolStatus: MessageTypeDefinition<_entrim_agent_v1_SpoolStatus, _entrim_agent_v1_SpoolStatus__Output>
        StoreStatus: MessageTypeDefinition<_entrim_agent_v1_StoreStatus, _entrim_agent_v1_StoreStatus__Output>
        TrafficStats: MessageTypeDefinition<_entrim_agent_v1_TrafficStats, _entrim_agent_v1_TrafficStats__Output>
        UndrainRequest: MessageTypeDefinition<_entrim_agent_v1_UndrainRequest, _entrim_agent_v1_UndrainRequest__Output>
        UndrainResponse: MessageTypeDefinition<_entrim_agent_v1_UndrainResponse, _entrim_agent_v1_UndrainResponse__Output>
        WatchStatusRequest: MessageTypeDefinition<_entrim_agent_v1_WatchStatusRequest, _entrim_agent_v1_WatchStatusRequest__Output>
      }
    }
  }
}

