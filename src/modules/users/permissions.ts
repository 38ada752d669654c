import type { Role } from '../../shared/request-context.js';

/**
 * What a route may require. Every route declares one (or is public); the authentication plugin
 * checks it against the caller's role, so no handler carries its own role checks. Object-level rules
 * (which patients a doctor may read) are the services' job on top of these.
 */
export const PERMISSIONS = [
  'patients:read',
  'patients:write',
  'patients:archive',
  'departments:read',
  'departments:write',
  'doctors:read',
  'doctors:write',
  'appointments:read',
  'appointments:write',
  /** Book outside a doctor's working hours (audited). */
  'appointments:overbook',
  'admissions:read',
  'admissions:write',
  /** Clinical history: diagnoses, allergies, medications, notes. */
  'history:read',
  'history:write',
  'documents:read',
  'documents:write',
  /** Break the glass: read a patient outside one's care, with a reason (audited, reviewed). */
  'clinical:emergency-access',
  /** Review break-the-glass accesses. */
  'clinical:access-review',
  /** Merge duplicate patient records, and undo a merge. */
  'patients:merge',
  /** Invoices, payments, receipts, balances. */
  'billing:read',
  'billing:write',
  /** Insurance coverage and claims. */
  'claims:read',
  'claims:write',
  /** Reports; which ones and for which department is decided per report. */
  'reports:read',
  'dashboard:read',
  'users:manage',
  'audit:read',
  /**
   * A patient's access log (accounting of disclosures), read on the patient's request. Administrators
   * only: the fixed roles have no privacy officer, who signs in as an administrator.
   */
  'patients:access-log',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const DIRECTORY: readonly Permission[] = ['departments:read', 'doctors:read'];
const FRONT_DESK: readonly Permission[] = [
  'patients:read',
  'patients:write',
  'appointments:read',
  'appointments:write',
  'admissions:read',
  'admissions:write',
  'documents:read',
  'documents:write',
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  admin: new Set(PERMISSIONS),
  doctor: new Set([
    ...DIRECTORY,
    ...FRONT_DESK,
    'history:read',
    'history:write',
    'clinical:emergency-access',
    'reports:read',
    'dashboard:read',
  ]),
  staff: new Set([...DIRECTORY, ...FRONT_DESK, 'patients:archive', 'billing:read', 'dashboard:read']),
  finance: new Set([
    ...DIRECTORY,
    'patients:read',
    'billing:read',
    'billing:write',
    'claims:read',
    'claims:write',
    'reports:read',
    'dashboard:read',
  ]),
  department_head: new Set([
    ...DIRECTORY,
    'patients:read',
    'appointments:read',
    'appointments:write',
    'appointments:overbook',
    'admissions:read',
    'history:read',
    'documents:read',
    'clinical:emergency-access',
    'reports:read',
    'dashboard:read',
  ]),
};

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
