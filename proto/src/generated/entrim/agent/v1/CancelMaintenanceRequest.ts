// Original file: entrim/agent/v1/status.proto


export interface CancelMaintenanceRequest {
  'id'?: (string);
  'reason'?: (string);
}

export interface CancelMaintenanceRequest__Output {
  'id': (string);
  'reason': (string);
}
