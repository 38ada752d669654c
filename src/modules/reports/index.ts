export {
  ReportsService,
  type GeneratedReport,
  type ReportHeading,
  type ReportFormat,
} from './reports.service.js';
export { registerReportRoutes } from './reports.routes.js';
export type { ReportDefinition, ReportScope, Section, Column } from './report-model.js';
export { findDepartmentsOfUser } from './report-access.js';
