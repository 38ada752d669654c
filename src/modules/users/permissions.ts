import type { Role } from '../../shared/request-context.js';

/**
 * What a route may require. Every route declares one (or is public); the authentication plugin
 * checks it against the caller's role, so no handler carries its own role checks.
 */
export const PERMISSIONS = [
  'patients:read',
  'patients:write',
  'patients:archive',
  'users:manage',
  'audit:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const CLINICAL_DESK: readonly Permission[] = ['patients:read', 'patients:write'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  admin: new Set(PERMISSIONS),
  doctor: new Set(CLINICAL_DESK),
  staff: new Set([...CLINICAL_DESK, 'patients:archive']),
  finance: new Set(['patients:read']),
  department_head: new Set(['patients:read']),
};

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
