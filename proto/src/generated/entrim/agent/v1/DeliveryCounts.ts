// Original file: entrim/agent/v1/notices.proto


export interface DeliveryCounts {
  'accounts'?: (number);
  'waiting'?: (number);
  'sent'?: (number);
  'failed'?: (number);
  'optedOut'?: (number);
}

export interface DeliveryCounts__Output {
  'accounts': (number);
  'waiting': (number);
  'sent': (number);
  'failed': (number);
  'optedOut': (number);
}
