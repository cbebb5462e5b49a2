// Original file: entrim/agent/v1/node.proto

import type { Long } from '@grpc/proto-loader';

export interface HostFilesystem {
  'mount'?: (string);
  'device'?: (string);
  'roles'?: (string)[];
  'sizeBytes'?: (number | string | Long);
  'usedBytes'?: (number | string | Long);
  'freeBytes'?: (number | string | Long);
  'readBytesPerSecond'?: (number | string);
  'writeBytesPerSecond'?: (number | string);
  '_readBytesPerSecond'?: "readBytesPerSecond";
  '_writeBytesPerSecond'?: "writeBytesPerSecond";
}

export interface HostFilesystem__Output {
  'mount': (string);
  'device': (string);
  'roles': (string)[];
  'sizeBytes': (number);
  'usedBytes': (number);
  'freeBytes': (number);
  'readBytesPerSecond'?: (number);
  'writeBytesPerSecond'?: (number);
  '_readBytesPerSecond'?: "readBytesPerSecond";
  '_writeBytesPerSecond'?: "writeBytesPerSecond";
}
