export { AdmissionsService, type AdmissionPage, type BoardView } from './admissions.service.js';
export { AdmissionTransitions, type PatientRecordsMover } from './admission-transitions.js';
export { registerAdmissionRoutes } from './admissions.routes.js';
export type { AdmissionDetail, AdmissionRecord, MovementRecord } from './admissions.repository.js';
