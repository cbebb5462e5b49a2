// Original file: entrim/agent/v1/notices.proto

import type { MailDelivery as _entrim_agent_v1_MailDelivery, MailDelivery__Output as _entrim_agent_v1_MailDelivery__Output } from '../../../entrim/agent/v1/MailDelivery.js';

export interface AccountDelivery {
  'noticeId'?: (string);
  'accountId'?: (string);
  'accountName'?: (string);
  'optedOut'?: (boolean);
  'mails'?: (_entrim_agent_v1_MailDelivery)[];
}

export interface AccountDelivery__Output {
  'noticeId': (string);
  'accountId': (string);
  'accountName': (string);
  'optedOut': (boolean);
  'mails': (_entrim_agent_v1_MailDelivery__Output)[];
}
