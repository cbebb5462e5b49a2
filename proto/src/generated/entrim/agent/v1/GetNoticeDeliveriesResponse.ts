// Original file: entrim/agent/v1/notices.proto

import type { AccountDelivery as _entrim_agent_v1_AccountDelivery, AccountDelivery__Output as _entrim_agent_v1_AccountDelivery__Output } from '../../../entrim/agent/v1/AccountDelivery.js';

export interface GetNoticeDeliveriesResponse {
  'deliveries'?: (_entrim_agent_v1_AccountDelivery)[];
}

export interface GetNoticeDeliveriesResponse__Output {
  'deliveries': (_entrim_agent_v1_AccountDelivery__Output)[];
}
