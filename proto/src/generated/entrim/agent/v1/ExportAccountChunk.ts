// Original file: entrim/agent/v1/accounts.proto


export interface ExportAccountChunk {
  'data'?: (Buffer | Uint8Array | string);
}

export interface ExportAccountChunk__Output {
  'data': (Buffer);
}
