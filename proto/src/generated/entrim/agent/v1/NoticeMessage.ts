// Original file: entrim/agent/v1/notices.proto

import type { DeliveryCounts as _entrim_agent_v1_DeliveryCounts, DeliveryCounts__Output as _entrim_agent_v1_DeliveryCounts__Output } from '../../../entrim/agent/v1/DeliveryCounts.js';
import type { Long } from '@grpc/proto-loader';

export interface NoticeMessage {
  'id'?: (string);
  'kind'?: (string);
  'title'?: (string);
  'body'?: (string);
  'essential'?: (boolean);
  'effectiveAtMs'?: (number | string | Long);
  'model'?: (string);
  'publishedAtMs'?: (number | string | Long);
  'createdBy'?: (string);
  'audience'?: (string);
  'accountId'?: (string);
  'counts'?: (_entrim_agent_v1_DeliveryCounts | null);
}

export interface NoticeMessage__Output {
  'id': (string);
  'kind': (string);
  'title': (string);
  'body': (string);
  'essential': (boolean);
  'effectiveAtMs': (number);
  'model': (string);
  'publishedAtMs': (number);
  'createdBy': (string);
  'audience': (string);
  'accountId': (string);
  'counts': (_entrim_agent_v1_DeliveryCounts__Output | null);
}
