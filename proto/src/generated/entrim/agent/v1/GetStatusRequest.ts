// Original file: entrim/agent/v1/node.proto


export interface GetStatusRequest {
}

export interface GetStatusRequest__Output {
}
