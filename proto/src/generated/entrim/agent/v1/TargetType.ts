// Original file: entrim/agent/v1/abuse.proto

export const TargetType = {
  TARGET_TYPE_UNSPECIFIED: 'TARGET_TYPE_UNSPECIFIED',
  TARGET_TYPE_ACCOUNT: 'TARGET_TYPE_ACCOUNT',
  TARGET_TYPE_KEY: 'TARGET_TYPE_KEY',
  TARGET_TYPE_IP: 'TARGET_TYPE_IP',
} as const;

export type TargetType =
  | 'TARGET_TYPE_UNSPECIFIED'
  | 0
  | 'TARGET_TYPE_ACCOUNT'
  | 1
  | 'TARGET_TYPE_KEY'
  | 2
  | 'TARGET_TYPE_IP'
  | 3

export type TargetType__Output = typeof TargetType[keyof typeof TargetType]
