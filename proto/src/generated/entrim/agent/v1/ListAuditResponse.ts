// Original file: entrim/agent/v1/audit.proto

import type { AuditEntry as _entrim_agent_v1_AuditEntry, AuditEntry__Output as _entrim_agent_v1_AuditEntry__Output } from '../../../entrim/agent/v1/AuditEntry.js';

export interface ListAuditResponse {
  'entries'?: (_entrim_agent_v1_AuditEntry)[];
}

export interface ListAuditResponse__Output {
  'entries': (_entrim_agent_v1_AuditEntry__Output)[];
}
