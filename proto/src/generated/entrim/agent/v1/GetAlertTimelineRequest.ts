// Original file: entrim/agent/v1/alerts.proto


export interface GetAlertTimelineRequest {
  'id'?: (string);
}

export interface GetAlertTimelineRequest__Output {
  'id': (string);
}
