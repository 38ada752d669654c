export { ClaimsService, type ClaimRecord, type ClaimPage } from './claims.service.js';
export { ClaimWorkflowService } from './claim-workflow.service.js';
export { ClaimExportService, CLAIM_EXPORT_COLUMNS } from './claims-export.js';
export { CoverageService, type Eligibility } from './coverage.service.js';
export { registerClaimRoutes, type ClaimServices } from './claims.routes.js';
export { registerCoverageRoutes } from './coverage.routes.js';
export type { CoverageRecord } from './coverage.repository.js';
export { CLAIM_STATUSES, type ClaimStatus } from './claims.schemas.js';
