import type { Queryable } from '../../db/index.js';

export interface StaffMemberRecord {
  readonly id: string;
  readonly departmentId: string;
  readonly userId: string | null;
  readonly doctorId: string | null;
  readonly displayName: string;
  readonly position: string;
  readonly createdAt: Date;
}

const SELECT_MEMBERS = `SELECT s.id, s.department_id AS "departmentId", s.user_id AS "userId",
         s.doctor_id AS "doctorId", coalesce(d.name, u.username) AS "displayName", s.position,
         s.created_at AS "createdAt"
    FROM department_staff s
    LEFT JOIN users u ON u.id = s.user_id
    LEFT JOIN doctors d ON d.id = s.doctor_id`;

export async function insertStaffMember(
  db: Queryable,
  departmentId: string,
  member: { userId: string | null; doctorId: string | null; position: string },
): Promise<StaffMemberRecord> {
  const inserted = await db.query<{ id: string }>(
    `INSERT INTO department_staff (department_id, user_id, doctor_id, position)
     VALUES ($1, $2, $3, $4) RETURNING id`,
    [departmentId, member.userId, member.doctorId, member.position],
  );
  const result = await db.query<StaffMemberRecord>(`${SELECT_MEMBERS} WHERE s.id = $1`, [
    inserted.rows[0]!.id,
  ]);
  return result.rows[0]!;
}

export async function findStaffOfDepartment(
  db: Queryable,
  departmentId: string,
): Promise<StaffMemberRecord[]> {
  const result = await db.query<StaffMemberRecord>(
    `${SELECT_MEMBERS} WHERE s.department_id = $1 ORDER BY s.position, "displayName", s.id`,
    [departmentId],
  );
  return result.rows;
}

/** Removes one assignment of the department; undefined when it does not exist there. */
export async function deleteStaffMember(
  db: Queryable,
  departmentId: string,
  assignmentId: string,
): Promise<{ userId: string | null; doctorId: string | null } | undefined> {
  const result = await db.query<{ userId: string | null; doctorId: string | null }>(
    `DELETE FROM department_staff WHERE id = $1 AND department_id = $2
     RETURNING user_id AS "userId", doctor_id AS "doctorId"`,
    [assignmentId, departmentId],
  );
  return result.rows[0];
}

/** The assignment of a user or a doctor in the department, if any. */
export async function findStaffAssignmentId(
  db: Queryable,
  departmentId: string,
  member: { userId: string | null; doctorId: string | null },
): Promise<string | undefined> {
  const result = await db.query<{ id: string }>(
    `SELECT id FROM department_staff
      WHERE department_id = $1 AND (user_id = $2 OR doctor_id = $3)`,
    [departmentId, member.userId, member.doctorId],
  );
  return result.rows[0]?.id;
}

export async function userExists(db: Queryable, userId: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM users WHERE id = $1', [userId]);
  return result.rows.length > 0;
}
