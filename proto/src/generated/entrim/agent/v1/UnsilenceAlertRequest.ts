// Original file: entrim/agent/v1/alerts.proto


export interface UnsilenceAlertRequest {
  'id'?: (string);
  'note'?: (string);
}

export interface UnsilenceAlertRequest__Output {
  'id': (string);
  'note': (string);
}
