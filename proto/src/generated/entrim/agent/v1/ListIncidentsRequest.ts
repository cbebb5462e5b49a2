// Original file: entrim/agent/v1/status.proto


export interface ListIncidentsRequest {
  'limit'?: (number);
}

export interface ListIncidentsRequest__Output {
  'limit': (number);
}
