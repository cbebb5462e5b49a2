// Original file: entrim/agent/v1/accounts.proto

import type { DataSubjectRequest as _entrim_agent_v1_DataSubjectRequest, DataSubjectRequest__Output as _entrim_agent_v1_DataSubjectRequest__Output } from '../../../entrim/agent/v1/DataSubjectRequest.js';

export interface ListDataSubjectRequestsResponse {
  'requests'?: (_entrim_agent_v1_DataSubjectRequest)[];
}

export interface ListDataSubjectRequestsResponse__Output {
  'requests': (_entrim_agent_v1_DataSubjectRequest__Output)[];
}
