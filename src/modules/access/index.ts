export {
  PatientAccessService,
  PatientAccessDeniedError,
  clinicalScopeOf,
  CARE_WINDOW,
  type AccessBasis,
  type AccessDenialReason,
  type AccessOptions,
  type ClinicalScope,
} from './patient-access.service.js';
export type { CareRelationship } from './care-relationships.repository.js';
export { CareTeamService, type CareTeamPage } from './care-team.service.js';
export { EmergencyAccessService, type GrantPage } from './emergency-access.service.js';
export { registerAccessRoutes } from './access.routes.js';
export type { CareTeamMemberRecord } from './care-team.repository.js';
export type { GrantRecord } from './emergency-access.repository.js';
