// Original file: entrim/agent/v1/notices.proto


export interface ListNoticesRequest {
  'limit'?: (number);
}

export interface ListNoticesRequest__Output {
  'limit': (number);
}
