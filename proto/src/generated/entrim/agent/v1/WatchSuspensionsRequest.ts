// Original file: entrim/agent/v1/abuse.proto


export interface WatchSuspensionsRequest {
}

export interface WatchSuspensionsRequest__Output {
}
