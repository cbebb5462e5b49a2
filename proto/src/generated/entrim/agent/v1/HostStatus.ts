// Original file: entrim/agent/v1/node.proto

import type { HostFilesystem as _entrim_agent_v1_HostFilesystem, HostFilesystem__Output as _entrim_agent_v1_HostFilesystem__Output } from '../../../entrim/agent/v1/HostFilesystem.js';
import type { Long } from '@grpc/proto-loader';

export interface HostStatus {
  'cpuLoadPercent'?: (number | string)[];
  'cpuLoadTotalPercent'?: (number | string);
  'memoryTotalBytes'?: (number | string | Long);
  'memoryUsedBytes'?: (number | string | Long);
  'memoryAvailableBytes'?: (number | string | Long);
  'filesystems'?: (_entrim_agent_v1_HostFilesystem)[];
  'networkRxBytesPerSecond'?: (number | string);
  'networkTxBytesPerSecond'?: (number | string);
  'uptimeSeconds'?: (number | string | Long);
  'kernelVersion'?: (string);
  'driverVersion'?: (string);
  'error'?: (string);
  'kernelLog'?: (string);
  '_networkRxBytesPerSecond'?: "networkRxBytesPerSecond";
  '_networkTxBytesPerSecond'?: "networkTxBytesPerSecond";
}

export interface HostStatus__Output {
  'cpuLoadPercent': (number)[];
  'cpuLoadTotalPercent': (number);
  'memoryTotalBytes': (number);
  'memoryUsedBytes': (number);
  'memoryAvailableBytes': (number);
  'filesystems': (_entrim_agent_v1_HostFilesystem__Output)[];
  'networkRxBytesPerSecond'?: (number);
  'networkTxBytesPerSecond'?: (number);
  'uptimeSeconds': (number);
  'kernelVersion': (string);
  'driverVersion': (string);
  'error': (string);
  'kernelLog': (string);
  '_networkRxBytesPerSecond'?: "networkRxBytesPerSecond";
  '_networkTxBytesPerSecond'?: "networkTxBytesPerSecond";
}
