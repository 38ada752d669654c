export { PatientsService, type RegisteredPatient, type PatientPage } from './patients.service.js';
export { registerPatientRoutes } from './patients.routes.js';
export type { PatientRecord, PatientSummaryRecord } from './patients.repository.js';
