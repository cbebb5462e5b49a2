// Original file: entrim/agent/v1/notices.proto


export interface DeprecateModelRequest {
  'model'?: (string);
  'date'?: (string);
  'replacement'?: (string);
}

export interface DeprecateModelRequest__Output {
  'model': (string);
  'date': (string);
  'replacement': (string);
}
