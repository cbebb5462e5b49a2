// Original file: entrim/agent/v1/node.proto


export interface ModelStatus {
  'id'?: (string);
  'runtime'?: (string);
  'version'?: (string);
  'loaded'?: (boolean);
  'slots'?: (number);
  'slotsBusy'?: (number);
  'queued'?: (number);
}

export interface ModelStatus__Output {
  'id': (string);
  'runtime': (string);
  'version': (string);
  'loaded': (boolean);
  'slots': (number);
  'slotsBusy': (number);
  'queued': (number);
}
