export { AuditTrail, type AuditEvent } from './audit.service.js';
export {
  AUDIT_EVENT_COLUMNS,
  type AuditEventFilter,
  type AuditEventRow,
  type StoredAuditEvent,
} from './audit.repository.js';
export { registerAuditRoutes } from './audit.routes.js';
export { AuditSealer } from './audit-sealer.js';
export { verifyAuditChain, type ChainFinding, type ChainVerification } from './audit-verify.js';
export type { ChainHead } from './audit-seal.repository.js';
export { AccessLogService, describeAction, type AccessLogPage } from './access-log.service.js';
export { registerAccessLogRoutes } from './access-log.routes.js';
