// Original file: entrim/agent/v1/rollouts.proto


export interface ListModelsRequest {
}

export interface ListModelsRequest__Output {
}
