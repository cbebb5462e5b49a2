// Original file: entrim/agent/v1/node.proto

import type { Long } from '@grpc/proto-loader';

export interface TrafficStats {
  'requestsInFlight'?: (number);
  'requestsQueued'?: (number);
  'requestsPerSecond'?: (number | string);
  'promptTokensPerSecond'?: (number | string);
  'completionTokensPerSecond'?: (number | string);
  'ttftP50Ms'?: (number | string);
  'ttftP95Ms'?: (number | string);
  'ttftP99Ms'?: (number | string);
  'latencyP50Ms'?: (number | string);
  'latencyP95Ms'?: (number | string);
  'latencyP99Ms'?: (number | string);
  'clientErrors'?: (number | string | Long);
  'serverErrors'?: (number | string | Long);
  'errorRate'?: (number | string);
  'cacheHitRate'?: (number | string);
  'requestsTotal'?: (number | string | Long);
  'promptTokensTotal'?: (number | string | Long);
  'completionTokensTotal'?: (number | string | Long);
}

export interface TrafficStats__Output {
  'requestsInFlight': (number);
  'requestsQueued': (number);
  'requestsPerSecond': (number);
  'promptTokensPerSecond': (number);
  'completionTokensPerSecond': (number);
  'ttftP50Ms': (number);
  'ttftP95Ms': (number);
  'ttftP99Ms': (number);
  'latencyP50Ms': (number);
  'latencyP95Ms': (number);
  'latencyP99Ms': (number);
  'clientErrors': (number);
  'serverErrors': (number);
  'errorRate': (number);
  'cacheHitRate': (number);
  'requestsTotal': (number);
  'promptTokensTotal': (number);
  'completionTokensTotal': (number);
}
