// Original file: entrim/agent/v1/abuse.proto


export interface WatchSecurityEventsRequest {
  'kind'?: (string);
}

export interface WatchSecurityEventsRequest__Output {
  'kind': (string);
}
