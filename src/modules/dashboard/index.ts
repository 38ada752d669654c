export { DashboardService, type DashboardOptions } from './dashboard.service.js';
export { registerDashboardRoutes } from './dashboard.routes.js';
export type { Dashboard } from './dashboard.schemas.js';
export { changesDashboard, registerDashboardFreshness } from './dashboard-freshness.js';
