// Original file: entrim/agent/v1/node.proto

import type { NodeState as _entrim_agent_v1_NodeState, NodeState__Output as _entrim_agent_v1_NodeState__Output } from '../../../entrim/agent/v1/NodeState.js';
import type { GpuSample as _entrim_agent_v1_GpuSample, GpuSample__Output as _entrim_agent_v1_GpuSample__Output } from '../../../entrim/agent/v1/GpuSample.js';
import type { GpuProcess as _entrim_agent_v1_GpuProcess, GpuProcess__Output as _entrim_agent_v1_GpuProcess__Output } from '../../../entrim/agent/v1/GpuProcess.js';
import type { TrafficStats as _entrim_agent_v1_TrafficStats, TrafficStats__Output as _entrim_agent_v1_TrafficStats__Output } from '../../../entrim/agent/v1/TrafficStats.js';
import type { ModelStatus as _entrim_agent_v1_ModelStatus, ModelStatus__Output as _entrim_agent_v1_ModelStatus__Output } from '../../../entrim/agent/v1/ModelStatus.js';
import type { StoreStatus as _entrim_agent_v1_StoreStatus, StoreStatus__Output as _entrim_agent_v1_StoreStatus__Output } from '../../../entrim/agent/v1/StoreStatus.js';
import type { SpoolStatus as _entrim_agent_v1_SpoolStatus, SpoolStatus__Output as _entrim_agent_v1_SpoolStatus__Output } from '../../../entrim/agent/v1/SpoolStatus.js';
import type { DrainStatus as _entrim_agent_v1_DrainStatus, DrainStatus__Output as _entrim_agent_v1_DrainStatus__Output } from '../../../entrim/agent/v1/DrainStatus.js';
import type { HostStatus as _entrim_agent_v1_HostStatus, HostStatus__Output as _entrim_agent_v1_HostStatus__Output } from '../../../entrim/agent/v1/HostStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface NodeSnapshot {
  'node'?: (string);
  'region'?: (string);
  'version'?: (string);
  'takenAtMs'?: (number | string | Long);
  'state'?: (_entrim_agent_v1_NodeState);
  'stateReason'?: (string);
  'startedAtMs'?: (number | string | Long);
  'gpus'?: (_entrim_agent_v1_GpuSample)[];
  'gpuProcesses'?: (_entrim_agent_v1_GpuProcess)[];
  'gpuSource'?: (string);
  'gpuError'?: (string);
  'traffic'?: (_entrim_agent_v1_TrafficStats | null);
  'models'?: (_entrim_agent_v1_ModelStatus)[];
  'store'?: (_entrim_agent_v1_StoreStatus | null);
  'spool'?: (_entrim_agent_v1_SpoolStatus | null);
  'drain'?: (_entrim_agent_v1_DrainStatus | null);
  'host'?: (_entrim_agent_v1_HostStatus | null);
}

export interface NodeSnapshot__Output {
  'node': (string);
  'region': (string);
  'version': (string);
  'takenAtMs': (number);
  'state': (_entrim_agent_v1_NodeState__Output);
  'stateReason': (string);
  'startedAtMs': (number);
  'gpus': (_entrim_agent_v1_GpuSample__Output)[];
  'gpuProcesses': (_entrim_agent_v1_GpuProcess__Output)[];
  'gpuSource': (string);
  'gpuError': (string);
  'traffic': (_entrim_agent_v1_TrafficStats__Output | null);
  'models': (_entrim_agent_v1_ModelStatus__Output)[];
  'store': (_entrim_agent_v1_StoreStatus__Output | null);
  'spool': (_entrim_agent_v1_SpoolStatus__Output | null);
  'drain': (_entrim_agent_v1_DrainStatus__Output | null);
  'host': (_entrim_agent_v1_HostStatus__Output | null);
}
