import { roleAllows, type Permission } from '../../src/modules/users/index.js';
import type { Role } from '../../src/shared/request-context.js';

/**
 * What every /api/v1 route expects of each role: the permission it declares, and any object-level rule
 * on top. The role-matrix test fails when a route is registered that this table does not know, or
 * when a route's declared permission differs from the one written here: a new route, or a changed
 * permission, is a decision someone writes down here.
 */

/** The records a request is about: a patient in the caller's care, or one outside it. */
export interface Subject {
  readonly patientId: string;
  readonly admissionId: string;
  readonly appointmentId: string;
  readonly entryId: string;
  readonly documentId: string;
  readonly memberId: string;
}

/** Records that are not about one patient. */
export interface Fixture {
  readonly departmentId: string;
  readonly spareDepartmentId: string;
  readonly spareDoctorId: string;
  readonly spareClinicianId: string;
  readonly targetUserId: string;
  readonly grantId: string;
}

export interface RequestParts {
  readonly query?: string;
  readonly payload?: Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

/**
 * - `none`: the permission decides.
 * - `clinical`: also the care rule (src/modules/access): doctors only for patients in their care,
 *   department heads also for patients seen in their department; other roles by permission.
 */
export type ObjectRule = 'none' | 'clinical';

export interface RouteExpectation {
  readonly permission: Permission | 'signed-in' | 'public';
  readonly object: ObjectRule;
  /** Roles that hold the permission but are refused by a rule of the route's own module. */
  readonly refused?: readonly Role[];
  /** What to send so that a request gets past validation to the object-level check. */
  readonly request?: (subject: Subject, fixture: Fixture) => RequestParts;
}

export const NO_SUCH_ID = '00000000-0000-4000-8000-00000000abcd';

const byPermission = (permission: RouteExpectation['permission']): RouteExpectation => ({
  permission,
  object: 'none',
});
const clinical = (permission: Permission, request?: RouteExpectation['request']): RouteExpectation => ({
  permission,
  object: 'clinical',
  ...(request ? { request } : {}),
});
const report = (refused: readonly Role[]): RouteExpectation => ({
  permission: 'reports:read',
  object: 'none',
  refused,
  // A department head reads the reports of a department they lead, named in the request.
  request: (_subject, fixture) => ({
    query: `?from=2024-01-01&to=2024-12-31&departmentId=${fixture.departmentId}`,
  }),
});

export const ROUTE_EXPECTATIONS: Readonly<Record<string, RouteExpectation>> = {
  // Sign-in and the session.
  'POST /api/v1/auth/login': byPermission('public'),
  'POST /api/v1/auth/logout': byPermission('signed-in'),
  'GET /api/v1/auth/me': byPermission('signed-in'),
  'POST /api/v1/auth/password': byPermission('signed-in'),
  'GET /api/v1/auth/sessions': byPermission('signed-in'),
  'DELETE /api/v1/auth/sessions/:id': byPermission('signed-in'),
  // Multi-factor sign-in: one's own, and the administrators' reset.
  'GET /api/v1/auth/mfa': byPermission('signed-in'),
  'POST /api/v1/auth/mfa/enrol': byPermission('signed-in'),
  'POST /api/v1/auth/mfa/confirm': byPermission('signed-in'),
  'POST /api/v1/auth/mfa/verify': byPermission('signed-in'),
  'POST /api/v1/auth/mfa/disable': byPermission('signed-in'),
  'POST /api/v1/auth/mfa/recovery-codes': byPermission('signed-in'),
  'DELETE /api/v1/users/:id/mfa': byPermission('users:manage'),
  // Users and the audit trail.
  'GET /api/v1/users': byPermission('users:manage'),
  'POST /api/v1/users': byPermission('users:manage'),
  'GET /api/v1/users/:id': byPermission('users:manage'),
  'PATCH /api/v1/users/:id': byPermission('users:manage'),
  'POST /api/v1/users/:id/reset-password': byPermission('users:manage'),
  'GET /api/v1/audit-events': byPermission('audit:read'),
  'GET /api/v1/patients/:id/access-log': byPermission('patients:access-log'),
  // Patients: demographics, archive, duplicates and merges.
  'GET /api/v1/patients': byPermission('patients:read'),
  'POST /api/v1/patients': byPermission('patients:write'),
  'GET /api/v1/patients/:id': byPermission('patients:read'),
  'PATCH /api/v1/patients/:id': byPermission('patients:write'),
  'POST /api/v1/patients/:id/archive': byPermission('patients:archive'),
  'POST /api/v1/patients/:id/restore': byPermission('patients:archive'),
  'GET /api/v1/patients/duplicates': byPermission('patients:merge'),
  'GET /api/v1/patients/:id/duplicates': byPermission('patients:merge'),
  'GET /api/v1/patients/merges': byPermission('patients:merge'),
  'POST /api/v1/patients/merges': byPermission('patients:merge'),
  'GET /api/v1/patients/merges/:id': byPermission('patients:merge'),
  'POST /api/v1/patients/merges/:id/undo': byPermission('patients:merge'),
  // Medical history: the care rule for reads and writes.
  'GET /api/v1/patients/:id/history': clinical('history:read'),
  'POST /api/v1/patients/:id/history': clinical('history:write', () => ({
    payload: { type: 'clinical_note', text: 'Role matrix note' },
  })),
  'GET /api/v1/patients/:id/history.pdf': clinical('history:read'),
  'GET /api/v1/patients/:id/history/:entryId': clinical('history:read'),
  'GET /api/v1/patients/:id/history/:entryId/versions': clinical('history:read'),
  'POST /api/v1/patients/:id/history/:entryId/amend': clinical('history:write', () => ({
    headers: { 'if-match': '"1"' },
    payload: { reason: 'Role matrix amendment', text: 'Amended by the role matrix' },
  })),
  'POST /api/v1/patients/:id/history/:entryId/entered-in-error': clinical('history:write', () => ({
    payload: { reason: 'Role matrix: wrong patient' },
  })),
  // Documents and the photo: the care rule too.
  'GET /api/v1/patients/:id/documents': clinical('documents:read'),
  'POST /api/v1/patients/:id/documents': clinical('documents:write'),
  'GET /api/v1/patients/:id/documents/:documentId': clinical('documents:read'),
  'GET /api/v1/patients/:id/documents/:documentId/content': clinical('documents:read'),
  'POST /api/v1/patients/:id/documents/:documentId/archive': clinical('documents:write'),
  'POST /api/v1/patients/:id/documents/:documentId/restore': clinical('documents:write'),
  'GET /api/v1/patients/:id/photo': clinical('documents:read'),
  'PUT /api/v1/patients/:id/photo': clinical('documents:write'),
  // Care teams and breaking the glass.
  'GET /api/v1/patients/:id/care-team': clinical('appointments:read'),
  'POST /api/v1/patients/:id/care-team': clinical('patients:write', (_subject, fixture) => ({
    payload: { userId: fixture.spareClinicianId, role: 'consultant' },
  })),
  'DELETE /api/v1/patients/:id/care-team/:memberId': clinical('patients:write'),
  'POST /api/v1/patients/:id/emergency-access': {
    ...byPermission('clinical:emergency-access'),
    request: () => ({ payload: { reason: 'Role matrix: checking the permission' } }),
  },
  'GET /api/v1/emergency-access': byPermission('clinical:access-review'),
  'POST /api/v1/emergency-access/:id/review': byPermission('clinical:access-review'),
  // Departments, doctors and their schedules.
  'GET /api/v1/departments': byPermission('departments:read'),
  'POST /api/v1/departments': byPermission('departments:write'),
  'GET /api/v1/departments/:id': byPermission('departments:read'),
  'PATCH /api/v1/departments/:id': byPermission('departments:write'),
  'POST /api/v1/departments/:id/archive': byPermission('departments:write'),
  'POST /api/v1/departments/:id/restore': byPermission('departments:write'),
  'GET /api/v1/departments/:id/staff': byPermission('departments:read'),
  'POST /api/v1/departments/:id/staff': byPermission('departments:write'),
  'DELETE /api/v1/departments/:id/staff': byPermission('departments:write'),
  'DELETE /api/v1/departments/:id/staff/:assignmentId': byPermission('departments:write'),
  'GET /api/v1/doctors': byPermission('doctors:read'),
  'POST /api/v1/doctors': byPermission('doctors:write'),
  'GET /api/v1/doctors/:id': byPermission('doctors:read'),
  'PATCH /api/v1/doctors/:id': byPermission('doctors:write'),
  'POST /api/v1/doctors/:id/archive': byPermission('doctors:write'),
  'POST /api/v1/doctors/:id/restore': byPermission('doctors:write'),
  'GET /api/v1/doctors/:id/working-hours': byPermission('doctors:read'),
  'PUT /api/v1/doctors/:id/working-hours': byPermission('doctors:write'),
  'GET /api/v1/doctors/:id/exceptions': byPermission('doctors:read'),
  'POST /api/v1/doctors/:id/exceptions': byPermission('doctors:write'),
  'DELETE /api/v1/doctors/:id/exceptions/:exceptionId': byPermission('doctors:write'),
  // Appointments: one patient's list is clinical; the schedule (by doctor or day) is not.
  'GET /api/v1/appointments': clinical('appointments:read', (subject) => ({
    query: `?patientId=${subject.patientId}`,
  })),
  'POST /api/v1/appointments': byPermission('appointments:write'),
  'GET /api/v1/appointments/free-slots': byPermission('appointments:read'),
  'GET /api/v1/appointments/:id': byPermission('appointments:read'),
  'GET /api/v1/appointments/:id/changes': byPermission('appointments:read'),
  'POST /api/v1/appointments/:id/reschedule': byPermission('appointments:write'),
  'POST /api/v1/appointments/:id/check-in': byPermission('appointments:write'),
  'POST /api/v1/appointments/:id/complete': byPermission('appointments:write'),
  'POST /api/v1/appointments/:id/cancel': byPermission('appointments:write'),
  'POST /api/v1/appointments/:id/no-show': byPermission('appointments:write'),
  // Admissions: one admission and one patient's admissions are clinical; the board is not.
  'GET /api/v1/admissions': clinical('admissions:read', (subject) => ({
    query: `?patientId=${subject.patientId}`,
  })),
  'GET /api/v1/admissions/board': byPermission('admissions:read'),
  'POST /api/v1/admissions': byPermission('admissions:write'),
  'GET /api/v1/admissions/:id': clinical('admissions:read'),
  'PATCH /api/v1/admissions/:id': byPermission('admissions:write'),
  'POST /api/v1/admissions/:id/transfer': byPermission('admissions:write'),
  'POST /api/v1/admissions/:id/discharge': byPermission('admissions:write'),
  'POST /api/v1/admissions/:id/identify': byPermission('admissions:write'),
  // Billing.
  'GET /api/v1/invoices': byPermission('billing:read'),
  'POST /api/v1/invoices': byPermission('billing:write'),
  'GET /api/v1/invoices/:id': byPermission('billing:read'),
  'PATCH /api/v1/invoices/:id': byPermission('billing:write'),
  'POST /api/v1/invoices/:id/issue': byPermission('billing:write'),
  'POST /api/v1/invoices/:id/reissue': byPermission('billing:write'),
  'POST /api/v1/invoices/:id/void': byPermission('billing:write'),
  'GET /api/v1/payments': byPermission('billing:read'),
  'POST /api/v1/payments': byPermission('billing:write'),
  'GET /api/v1/payments/:id': byPermission('billing:read'),
  'GET /api/v1/payments/:id/receipt': byPermission('billing:read'),
  'POST /api/v1/payments/:id/refund': byPermission('billing:write'),
  'GET /api/v1/patients/:id/balance': byPermission('billing:read'),
  'GET /api/v1/patients/:id/statement': byPermission('billing:read'),
  // Insurance coverage and claims.
  'GET /api/v1/patients/:id/coverages': byPermission('claims:read'),
  'POST /api/v1/patients/:id/coverages': byPermission('claims:write'),
  'PATCH /api/v1/coverages/:id': byPermission('claims:write'),
  'GET /api/v1/patients/:id/eligibility': byPermission('claims:read'),
  'GET /api/v1/claims': byPermission('claims:read'),
  'POST /api/v1/claims': byPermission('claims:write'),
  'GET /api/v1/claims/export': byPermission('claims:read'),
  'GET /api/v1/claims/:id': byPermission('claims:read'),
  'POST /api/v1/claims/:id/review': byPermission('claims:write'),
  'POST /api/v1/claims/:id/decision': byPermission('claims:write'),
  'POST /api/v1/claims/:id/payment': byPermission('claims:write'),
  'POST /api/v1/claims/:id/appeal': byPermission('claims:write'),
  // Reports (each decides who reads which part) and the dashboard.
  'GET /api/v1/reports/patients': report(['doctor']),
  'GET /api/v1/reports/appointments': report(['doctor']),
  'GET /api/v1/reports/departments': report(['doctor']),
  'GET /api/v1/reports/doctor-performance': report([]),
  'GET /api/v1/reports/finance': report(['doctor', 'department_head']),
  'GET /api/v1/dashboard': byPermission('dashboard:read'),
};

/**
 * The roles whose clinical reach is limited to patients in their care (doctors) or also seen in their
 * department (department heads); written here, not taken from the code under test.
 */
const CARE_SCOPED_ROLES: readonly Role[] = ['doctor', 'department_head'];

/** Whether `role` must be answered 403, for a patient in the caller's care or outside it. */
export function expectsForbidden(
  expectation: RouteExpectation,
  role: Role,
  patient: 'in-care' | 'outside-care',
): boolean {
  const { permission } = expectation;
  if (permission === 'public' || permission === 'signed-in') return false;
  if (!roleAllows(role, permission)) return true;
  if (expectation.refused?.includes(role)) return true;
  return patient === 'outside-care' && expectation.object === 'clinical' && CARE_SCOPED_ROLES.includes(role);
}

/** Fills a route's path parameters with the records of the subject and the fixture. */
export function concreteUrl(url: string, subject: Subject, fixture: Fixture): string {
  const [, , , resource = '', next] = url.split('/');
  const idsByResource: Record<string, string> = {
    patients: next === 'merges' ? NO_SUCH_ID : subject.patientId,
    admissions: subject.admissionId,
    appointments: subject.appointmentId,
    doctors: fixture.spareDoctorId,
    departments: fixture.spareDepartmentId,
    users: fixture.targetUserId,
    'emergency-access': fixture.grantId,
  };
  const idOf = (): string => idsByResource[resource] ?? NO_SUCH_ID;
  return url.replace(/:(\w+)/g, (_match, name: string) => {
    switch (name) {
      case 'id':
        return idOf();
      case 'entryId':
        return subject.entryId;
      case 'documentId':
        return subject.documentId;
      case 'memberId':
        return subject.memberId;
      default:
        return NO_SUCH_ID;
    }
  });
}
