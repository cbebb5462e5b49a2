// Original file: entrim/agent/v1/notices.proto

import type { NoticeMessage as _entrim_agent_v1_NoticeMessage, NoticeMessage__Output as _entrim_agent_v1_NoticeMessage__Output } from '../../../entrim/agent/v1/NoticeMessage.js';

export interface ListNoticesResponse {
  'notices'?: (_entrim_agent_v1_NoticeMessage)[];
}

export interface ListNoticesResponse__Output {
  'notices': (_entrim_agent_v1_NoticeMessage__Output)[];
}
