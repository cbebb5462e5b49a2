// Original file: entrim/agent/v1/abuse.proto

export const SuspensionState = {
  SUSPENSION_STATE_UNSPECIFIED: 'SUSPENSION_STATE_UNSPECIFIED',
  SUSPENSION_STATE_WARNED: 'SUSPENSION_STATE_WARNED',
  SUSPENSION_STATE_SUSPENDED: 'SUSPENSION_STATE_SUSPENDED',
} as const;

export type SuspensionState =
  | 'SUSPENSION_STATE_UNSPECIFIED'
  | 0
  | 'SUSPENSION_STATE_WARNED'
  | 1
  | 'SUSPENSION_STATE_SUSPENDED'
  | 2

export type SuspensionState__Output = typeof SuspensionState[keyof typeof SuspensionState]
