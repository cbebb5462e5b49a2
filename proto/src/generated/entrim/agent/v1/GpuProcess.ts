// Original file: entrim/agent/v1/node.proto

import type { Long } from '@grpc/proto-loader';

export interface GpuProcess {
  'gpuUuid'?: (string);
  'pid'?: (number);
  'processName'?: (string);
  'usedMemoryBytes'?: (number | string | Long);
  '_usedMemoryBytes'?: "usedMemoryBytes";
}

export interface GpuProcess__Output {
  'gpuUuid': (string);
  'pid': (number);
  'processName': (string);
  'usedMemoryBytes'?: (number);
  '_usedMemoryBytes'?: "usedMemoryBytes";
}
