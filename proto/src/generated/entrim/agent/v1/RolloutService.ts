// Original file: entrim/agent/v1/rollouts.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetRolloutRequest as _entrim_agent_v1_GetRolloutRequest, GetRolloutRequest__Output as _entrim_agent_v1_GetRolloutRequest__Output } from '../../../entrim/agent/v1/GetRolloutRequest.js';
import type { ListModelsRequest as _entrim_agent_v1_ListModelsRequest, ListModelsRequest__Output as _entrim_agent_v1_ListModelsRequest__Output } from '../../../entrim/agent/v1/ListModelsRequest.js';
import type { ListModelsResponse as _entrim_agent_v1_ListModelsResponse, ListModelsResponse__Output as _entrim_agent_v1_ListModelsResponse__Output } from '../../../entrim/agent/v1/ListModelsResponse.js';
import type { ListRolloutsRequest as _entrim_agent_v1_ListRolloutsRequest, ListRolloutsRequest__Output as _entrim_agent_v1_ListRolloutsRequest__Output } from '../../../entrim/agent/v1/ListRolloutsRequest.js';
import type { ListRolloutsResponse as _entrim_agent_v1_ListRolloutsResponse, ListRolloutsResponse__Output as _entrim_agent_v1_ListRolloutsResponse__Output } from '../../../entrim/agent/v1/ListRolloutsResponse.js';
import type { Rollout as _entrim_agent_v1_Rollout, Rollout__Output as _entrim_agent_v1_Rollout__Output } from '../../../entrim/agent/v1/Rollout.js';
import type { RolloutActionRequest as _entrim_agent_v1_RolloutActionRequest, RolloutActionRequest__Output as _entrim_agent_v1_RolloutActionRequest__Output } from '../../../entrim/agent/v1/RolloutActionRequest.js';
import type { RotateModelRequest as _entrim_agent_v1_RotateModelRequest, RotateModelRequest__Output as _entrim_agent_v1_RotateModelRequest__Output } from '../../../entrim/agent/v1/RotateModelRequest.js';
import type { RotationProgress as _entrim_agent_v1_RotationProgress, RotationProgress__Output as _entrim_agent_v1_RotationProgress__Output } from '../../../entrim/agent/v1/RotationProgress.js';
import type { StartRolloutRequest as _entrim_agent_v1_StartRolloutRequest, StartRolloutRequest__Output as _entrim_agent_v1_StartRolloutRequest__Output } from '../../../entrim/agent/v1/StartRolloutRequest.js';

export interface RolloutServiceClient extends grpc.Client {
  AbortRollout(argument: _entrim_agent_v1_RolloutActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  AbortRollout(argument: _entrim_agent_v1_RolloutActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  AbortRollout(argument: _entrim_agent_v1_RolloutActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  AbortRollout(argument: _entrim_agent_v1_RolloutActionRequest, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  abortRollout(argument: _entrim_agent_v1_RolloutActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  abortRollout(argument: _entrim_agent_v1_RolloutActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  abortRollout(argument: _entrim_agent_v1_RolloutActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  abortRollout(argument: _entrim_agent_v1_RolloutActionRequest, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  
  GetRollout(argument: _entrim_agent_v1_GetRolloutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  GetRollout(argument: _entrim_agent_v1_GetRolloutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  GetRollout(argument: _entrim_agent_v1_GetRolloutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  GetRollout(argument: _entrim_agent_v1_GetRolloutRequest, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  getRollout(argument: _entrim_agent_v1_GetRolloutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  getRollout(argument: _entrim_agent_v1_GetRolloutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  getRollout(argument: _entrim_agent_v1_GetRolloutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  getRollout(argument: _entrim_agent_v1_GetRolloutRequest, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  
  ListModels(argument: _entrim_agent_v1_ListModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _entrim_agent_v1_ListModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _entrim_agent_v1_ListModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _entrim_agent_v1_ListModelsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _entrim_agent_v1_ListModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _entrim_agent_v1_ListModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _entrim_agent_v1_ListModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _entrim_agent_v1_ListModelsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  
  ListRollouts(argument: _entrim_agent_v1_ListRolloutsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListRolloutsResponse__Output>): grpc.ClientUnaryCall;
  ListRollouts(argument: _entrim_agent_v1_ListRolloutsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListRolloutsResponse__Output>): grpc.ClientUnaryCall;
  ListRollouts(argument: _entrim_agent_v1_ListRolloutsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListRolloutsResponse__Output>): grpc.ClientUnaryCall;
  ListRollouts(argument: _entrim_agent_v1_ListRolloutsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListRolloutsResponse__Output>): grpc.ClientUnaryCall;
  listRollouts(argument: _entrim_agent_v1_ListRolloutsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListRolloutsResponse__Output>): grpc.ClientUnaryCall;
  listRollouts(argument: _entrim_agent_v1_ListRolloutsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_ListRolloutsResponse__Output>): grpc.ClientUnaryCall;
  listRollouts(argument: _entrim_agent_v1_ListRolloutsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_ListRolloutsResponse__Output>): grpc.ClientUnaryCall;
  listRollouts(argument: _entrim_agent_v1_ListRolloutsRequest, callback: grpc.requestCallback<_entrim_agent_v1_ListRolloutsResponse__Output>): grpc.ClientUnaryCall;
  
  PauseRollout(argument: _entrim_agent_v1_RolloutActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  PauseRollout(argument: _entrim_agent_v1_RolloutActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  PauseRollout(argument: _entrim_agent_v1_RolloutActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  PauseRollout(argument: _entrim_agent_v1_RolloutActionRequest, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  pauseRollout(argument: _entrim_agent_v1_RolloutActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  pauseRollout(argument: _entrim_agent_v1_RolloutActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  pauseRollout(argument: _entrim_agent_v1_RolloutActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  pauseRollout(argument: _entrim_agent_v1_RolloutActionRequest, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  
  ResumeRollout(argument: _entrim_agent_v1_RolloutActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  ResumeRollout(argument: _entrim_agent_v1_RolloutActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  ResumeRollout(argument: _entrim_agent_v1_RolloutActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  ResumeRollout(argument: _entrim_agent_v1_RolloutActionRequest, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  resumeRollout(argument: _entrim_agent_v1_RolloutActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  resumeRollout(argument: _entrim_agent_v1_RolloutActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  resumeRollout(argument: _entrim_agent_v1_RolloutActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  resumeRollout(argument: _entrim_agent_v1_RolloutActionRequest, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  
  RollBackRollout(argument: _entrim_agent_v1_RolloutActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  RollBackRollout(argument: _entrim_agent_v1_RolloutActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  RollBackRollout(argument: _entrim_agent_v1_RolloutActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  RollBackRollout(argument: _entrim_agent_v1_RolloutActionRequest, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  rollBackRollout(argument: _entrim_agent_v1_RolloutActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  rollBackRollout(argument: _entrim_agent_v1_RolloutActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  rollBackRollout(argument: _entrim_agent_v1_RolloutActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  rollBackRollout(argument: _entrim_agent_v1_RolloutActionRequest, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  
  RotateModel(argument: _entrim_agent_v1_RotateModelRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_RotationProgress__Output>;
  RotateModel(argument: _entrim_agent_v1_RotateModelRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_RotationProgress__Output>;
  rotateModel(argument: _entrim_agent_v1_RotateModelRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_RotationProgress__Output>;
  rotateModel(argument: _entrim_agent_v1_RotateModelRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_RotationProgress__Output>;
  
  StartRollout(argument: _entrim_agent_v1_StartRolloutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  StartRollout(argument: _entrim_agent_v1_StartRolloutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  StartRollout(argument: _entrim_agent_v1_StartRolloutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  StartRollout(argument: _entrim_agent_v1_StartRolloutRequest, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  startRollout(argument: _entrim_agent_v1_StartRolloutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  startRollout(argument: _entrim_agent_v1_StartRolloutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  startRollout(argument: _entrim_agent_v1_StartRolloutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  startRollout(argument: _entrim_agent_v1_StartRolloutRequest, callback: grpc.requestCallback<_entrim_agent_v1_Rollout__Output>): grpc.ClientUnaryCall;
  
  WatchRollout(argument: _entrim_agent_v1_GetRolloutRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_Rollout__Output>;
  WatchRollout(argument: _entrim_agent_v1_GetRolloutRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_Rollout__Output>;
  watchRollout(argument: _entrim_agent_v1_GetRolloutRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_Rollout__Output>;
  watchRollout(argument: _entrim_agent_v1_GetRolloutRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_entrim_agent_v1_Rollout__Output>;
  
}

export interface RolloutServiceHandlers extends grpc.UntypedServiceImplementation {
  AbortRollout: grpc.handleUnaryCall<_entrim_agent_v1_RolloutActionRequest__Output, _entrim_agent_v1_Rollout>;
  
  GetRollout: grpc.handleUnaryCall<_entrim_agent_v1_GetRolloutRequest__Output, _entrim_agent_v1_Rollout>;
  
  ListModels: grpc.handleUnaryCall<_entrim_agent_v1_ListModelsRequest__Output, _entrim_agent_v1_ListModelsResponse>;
  
  ListRollouts: grpc.handleUnaryCall<_entrim_agent_v1_ListRolloutsRequest__Output, _entrim_agent_v1_ListRolloutsResponse>;
  
  PauseRollout: grpc.handleUnaryCall<_entrim_agent_v1_RolloutActionRequest__Output, _entrim_agent_v1_Rollout>;
  
  ResumeRollout: grpc.handleUnaryCall<_entrim_agent_v1_RolloutActionRequest__Output, _entrim_agent_v1_Rollout>;
  
  RollBackRollout: grpc.handleUnaryCall<_entrim_agent_v1_RolloutActionRequest__Output, _entrim_agent_v1_Rollout>;
  
  RotateModel: grpc.handleServerStreamingCall<_entrim_agent_v1_RotateModelRequest__Output, _entrim_agent_v1_RotationProgress>;
  
  StartRollout: grpc.handleUnaryCall<_entrim_agent_v1_StartRolloutRequest__Output, _entrim_agent_v1_Rollout>;
  
  WatchRollout: grpc.handleServerStreamingCall<_entrim_agent_v1_GetRolloutRequest__Output, _entrim_agent_v1_Rollout>;
  
}

export interface RolloutServiceDefinition extends grpc.ServiceDefinition {
  AbortRollout: MethodDefinition<_entrim_agent_v1_RolloutActionRequest, _entrim_agent_v1_Rollout, _entrim_agent_v1_RolloutActionRequest__Output, _entrim_agent_v1_Rollout__Output>
  GetRollout: MethodDefinition<_entrim_agent_v1_GetRolloutRequest, _entrim_agent_v1_Rollout, _entrim_agent_v1_GetRolloutRequest__Output, _entrim_agent_v1_Rollout__Output>
  ListModels: MethodDefinition<_entrim_agent_v1_ListModelsRequest, _entrim_agent_v1_ListModelsResponse, _entrim_agent_v1_ListModelsRequest__Output, _entrim_agent_v1_ListModelsResponse__Output>
  ListRollouts: MethodDefinition<_entrim_agent_v1_ListRolloutsRequest, _entrim_agent_v1_ListRolloutsResponse, _entrim_agent_v1_ListRolloutsRequest__Output, _entrim_agent_v1_ListRolloutsResponse__Output>
  PauseRollout: MethodDefinition<_entrim_agent_v1_RolloutActionRequest, _entrim_agent_v1_Rollout, _entrim_agent_v1_RolloutActionRequest__Output, _entrim_agent_v1_Rollout__Output>
  ResumeRollout: MethodDefinition<_entrim_agent_v1_RolloutActionRequest, _entrim_agent_v1_Rollout, _entrim_agent_v1_RolloutActionRequest__Output, _entrim_agent_v1_Rollout__Output>
  RollBackRollout: MethodDefinition<_entrim_agent_v1_RolloutActionRequest, _entrim_agent_v1_Rollout, _entrim_agent_v1_RolloutActionRequest__Output, _entrim_agent_v1_Rollout__Output>
  RotateModel: MethodDefinition<_entrim_agent_v1_RotateModelRequest, _entrim_agent_v1_RotationProgress, _entrim_agent_v1_RotateModelRequest__Output, _entrim_agent_v1_RotationProgress__Output>
  StartRollout: MethodDefinition<_entrim_agent_v1_StartRolloutRequest, _entrim_agent_v1_Rollout, _entrim_agent_v1_StartRolloutRequest__Output, _entrim_agent_v1_Rollout__Output>
  WatchRollout: MethodDefinition<_entrim_agent_v1_GetRolloutRequest, _entrim_agent_v1_Rollout, _entrim_agent_v1_GetRolloutRequest__Output, _entrim_agent_v1_Rollout__Output>
}
