export { AuditTrail, type AuditEvent } from './audit.service.js';
export type { AuditEventFilter, StoredAuditEvent } from './audit.repository.js';
export { registerAuditRoutes } from './audit.routes.js';
