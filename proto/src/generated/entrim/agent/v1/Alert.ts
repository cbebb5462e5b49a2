// Original file: entrim/agent/v1/alerts.proto

import type { Long } from '@grpc/proto-loader';

export interface Alert {
  'id'?: (string);
  'rule'?: (string);
  'fingerprint'?: (string);
  'severity'?: (string);
  'node'?: (string);
  'subject'?: (string);
  'summary'?: (string);
  'state'?: (string);
  'firstFiredAtMs'?: (number | string | Long);
  'lastSeenAtMs'?: (number | string | Long);
  'resolvedAtMs'?: (number | string | Long);
  'acknowledgedBy'?: (string);
  'acknowledgedAtMs'?: (number | string | Long);
  'acknowledgeNote'?: (string);
  'silencedUntilMs'?: (number | string | Long);
  'silencedBy'?: (string);
  'silenceNote'?: (string);
  'lastNotifiedAtMs'?: (number | string | Long);
  'notifyCount'?: (number);
}

export interface Alert__Output {
  'id': (string);
  'rule': (string);
  'fingerprint': (string);
  'severity': (string);
  'node': (string);
  'subject': (string);
  'summary': (string);
  'state': (string);
  'firstFiredAtMs': (number);
  'lastSeenAtMs': (number);
  'resolvedAtMs': (number);
  'acknowledgedBy': (string);
  'acknowledgedAtMs': (number);
  'acknowledgeNote': (string);
  'silencedUntilMs': (number);
  'silencedBy': (string);
  'silenceNote': (string);
  'lastNotifiedAtMs': (number);
  'notifyCount': (number);
}
