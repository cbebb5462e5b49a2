// Original file: entrim/agent/v1/status.proto


export interface UpdateIncidentRequest {
  'id'?: (string);
  'status'?: (string);
  'text'?: (string);
}

export interface UpdateIncidentRequest__Output {
  'id': (string);
  'status': (string);
  'text': (string);
}
