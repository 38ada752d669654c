import type { Queryable } from '../../db/index.js';
import { ForbiddenError, NotFoundError } from '../../shared/errors.js';
import type { Actor } from '../../shared/request-context.js';
import type { ReportDefinition } from './report-model.js';

export interface AccessScope {
  readonly departmentId: string | null;
  readonly doctorId: string | null;
}

async function departmentExists(db: Queryable, departmentId: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM departments WHERE id = $1', [departmentId]);
  return result.rows.length > 0;
}

/** The departments a user leads (as the head doctor's account) or works in (as staff). */
export async function findDepartmentsOfUser(db: Queryable, userId: string): Promise<string[]> {
  const result = await db.query<{ id: string }>(
    `SELECT dep.id FROM departments dep JOIN doctors head ON head.id = dep.head_doctor_id
      WHERE head.user_id = $1
     UNION
     SELECT department_id FROM department_staff WHERE user_id = $1`,
    [userId],
  );
  return result.rows.map((row) => row.id);
}

async function findDoctorOfUser(db: Queryable, userId: string): Promise<string | undefined> {
  const result = await db.query<{ id: string }>('SELECT id FROM doctors WHERE user_id = $1', [userId]);
  return result.rows[0]?.id;
}

/**
 * Which part of a report the caller may read, beyond the reports:read every caller here holds:
 * finance and admin any department or all; a department head only a department they lead or work in,
 * named explicitly; a doctor only doctor-performance, narrowed to their own doctor record. Decided on
 * the primary, so a change of head or assignment applies at once even when reports read a replica.
 */
export async function resolveAccess(
  db: Queryable,
  report: ReportDefinition,
  actor: Actor,
  requestedDepartmentId: string | undefined,
): Promise<AccessScope> {
  const departmentId = requestedDepartmentId ?? null;
  if (departmentId !== null && !(await departmentExists(db, departmentId))) {
    throw new NotFoundError('There is no department with this id.');
  }
  switch (actor.role) {
    case 'admin':
    case 'finance':
      return { departmentId, doctorId: null };
    case 'department_head': {
      if (departmentId === null) {
        throw new ForbiddenError(
          'A department head reads the reports of their own department: add departmentId to the request.',
        );
      }
      const own = await findDepartmentsOfUser(db, actor.userId);
      if (!own.includes(departmentId)) {
        throw new ForbiddenError('You may read the reports of your own department only.');
      }
      return { departmentId, doctorId: null };
    }
    case 'doctor': {
      if (!report.doctorsMayRead) {
        throw new ForbiddenError('A doctor may read their own doctor-performance report only.');
      }
      const doctorId = await findDoctorOfUser(db, actor.userId);
      if (doctorId === undefined) {
        throw new ForbiddenError('Your account is not linked to a doctor record; ask an administrator.');
      }
      return { departmentId, doctorId };
    }
    case 'staff':
      throw new ForbiddenError('Your role (staff) does not allow reports.');
  }
}
