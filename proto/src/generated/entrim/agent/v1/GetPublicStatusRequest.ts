// Original file: entrim/agent/v1/status.proto


export interface GetPublicStatusRequest {
}

export interface GetPublicStatusRequest__Output {
}
