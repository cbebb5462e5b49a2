// Original file: entrim/agent/v1/alerts.proto


export interface AcknowledgeAlertRequest {
  'id'?: (string);
  'note'?: (string);
}

export interface AcknowledgeAlertRequest__Output {
  'id': (string);
  'note': (string);
}
