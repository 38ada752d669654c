export { PatientsService, type RegisteredPatient, type PatientPage } from './patients.service.js';
export { registerPatientRoutes } from './patients.routes.js';
export type { PatientRecord, PatientSummaryRecord } from './patients.repository.js';
export { PatientMergeService, type PatientMergePage } from './patient-merge.service.js';
export { PatientDuplicatesService } from './patient-duplicates.service.js';
export { registerPatientMergeRoutes } from './patient-merge.routes.js';
