// Original file: entrim/agent/v1/rollouts.proto

import type { Long } from '@grpc/proto-loader';

export interface RotationProgress {
  'node'?: (string);
  'model'?: (string);
  'version'?: (string);
  'step'?: (string);
  'state'?: (string);
  'message'?: (string);
  'atMs'?: (number | string | Long);
  'done'?: (boolean);
  'ok'?: (boolean);
}

export interface RotationProgress__Output {
  'node': (string);
  'model': (string);
  'version': (string);
  'step': (string);
  'state': (string);
  'message': (string);
  'atMs': (number);
  'done': (boolean);
  'ok': (boolean);
}
