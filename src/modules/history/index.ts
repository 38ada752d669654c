export { HistoryService, type TimelinePage, type HistoryExport } from './history.service.js';
export { registerHistoryRoutes } from './history.routes.js';
export { ClinicalAccess, ClinicalAccessDeniedError, type ClinicalReadPermission } from './clinical-access.js';
export type { EntryRecord, EntryVersionRecord } from './history.repository.js';
