// Original file: entrim/agent/v1/status.proto

export const IncidentKind = {
  INCIDENT_KIND_UNSPECIFIED: 'INCIDENT_KIND_UNSPECIFIED',
  INCIDENT_KIND_INCIDENT: 'INCIDENT_KIND_INCIDENT',
  INCIDENT_KIND_MAINTENANCE: 'INCIDENT_KIND_MAINTENANCE',
} as const;

export type IncidentKind =
  | 'INCIDENT_KIND_UNSPECIFIED'
  | 0
  | 'INCIDENT_KIND_INCIDENT'
  | 1
  | 'INCIDENT_KIND_MAINTENANCE'
  | 2

export type IncidentKind__Output = typeof IncidentKind[keyof typeof IncidentKind]
