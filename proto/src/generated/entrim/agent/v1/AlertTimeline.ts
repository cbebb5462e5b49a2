// Original file: entrim/agent/v1/alerts.proto

import type { Alert as _entrim_agent_v1_Alert, Alert__Output as _entrim_agent_v1_Alert__Output } from '../../../entrim/agent/v1/Alert.js';
import type { TimelineEntry as _entrim_agent_v1_TimelineEntry, TimelineEntry__Output as _entrim_agent_v1_TimelineEntry__Output } from '../../../entrim/agent/v1/TimelineEntry.js';

export interface AlertTimeline {
  'alert'?: (_entrim_agent_v1_Alert | null);
  'entries'?: (_entrim_agent_v1_TimelineEntry)[];
}

export interface AlertTimeline__Output {
  'alert': (_entrim_agent_v1_Alert__Output | null);
  'entries': (_entrim_agent_v1_TimelineEntry__Output)[];
}
