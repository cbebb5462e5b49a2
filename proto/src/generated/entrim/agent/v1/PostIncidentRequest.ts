// Original file: entrim/agent/v1/status.proto


export interface PostIncidentRequest {
  'title'?: (string);
  'body'?: (string);
  'models'?: (string)[];
  'regions'?: (string)[];
  'status'?: (string);
}

export interface PostIncidentRequest__Output {
  'title': (string);
  'body': (string);
  'models': (string)[];
  'regions': (string)[];
  'status': (string);
}
