// Original file: entrim/agent/v1/notices.proto


export interface GetNoticeDeliveriesRequest {
  'id'?: (string);
}

export interface GetNoticeDeliveriesRequest__Output {
  'id': (string);
}
