export { DepartmentsService, type DepartmentPage } from './departments.service.js';
export { registerDepartmentRoutes } from './departments.routes.js';
export { findDepartmentById, type DepartmentRecord } from './departments.repository.js';
export type { StaffMemberRecord } from './department-staff.repository.js';
