// Original file: /work/main/proto/entrim/agent/v1/node.proto


export interface GetStatusRequest {
}

export interface GetStatusRequest__Output {
}
