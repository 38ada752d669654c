import type { Queryable } from '../../db/index.js';
import { escapeLike } from '../../shared/like.js';
import type { CreateDoctorInput, UpdateDoctorInput } from './doctors.schemas.js';

export interface DoctorRecord {
  readonly id: string;
  readonly name: string;
  readonly licenseNumber: string;
  readonly specialization: string;
  readonly departmentId: string | null;
  readonly phone: string | null;
  readonly email: string | null;
  readonly qualifications: string | null;
  readonly userId: string | null;
  readonly slotMinutes: number;
  readonly archived: boolean;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const COLUMNS = `id, name, license_number AS "licenseNumber", specialization, department_id AS "departmentId",
  phone, email, qualifications, user_id AS "userId", slot_minutes AS "slotMinutes", archived, version,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

const EDITABLE_COLUMNS = {
  name: 'name',
  licenseNumber: 'license_number',
  specialization: 'specialization',
  departmentId: 'department_id',
  phone: 'phone',
  email: 'email',
  qualifications: 'qualifications',
  userId: 'user_id',
  slotMinutes: 'slot_minutes',
} as const satisfies Record<keyof UpdateDoctorInput, string>;

export async function insertDoctor(db: Queryable, input: CreateDoctorInput): Promise<DoctorRecord> {
  const result = await db.query<DoctorRecord>(
    `INSERT INTO doctors (name, license_number, specialization, department_id, phone, email, qualifications,
       user_id, slot_minutes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::int, 15))
     RETURNING ${COLUMNS}`,
    [
      input.name,
      input.licenseNumber,
      input.specialization,
      input.departmentId,
      input.phone ?? null,
      input.email ?? null,
      input.qualifications ?? null,
      input.userId ?? null,
      input.slotMinutes ?? null,
    ],
  );
  return result.rows[0]!;
}

export async function findDoctorById(db: Queryable, id: string): Promise<DoctorRecord | undefined> {
  const result = await db.query<DoctorRecord>(`SELECT ${COLUMNS} FROM doctors WHERE id = $1`, [id]);
  return result.rows[0];
}

/** Active doctors of a department, for the free-slot finder. */
export async function findActiveDoctorsOfDepartment(
  db: Queryable,
  departmentId: string,
): Promise<DoctorRecord[]> {
  const result = await db.query<DoctorRecord>(
    `SELECT ${COLUMNS} FROM doctors WHERE department_id = $1 AND NOT archived ORDER BY name, id LIMIT 200`,
    [departmentId],
  );
  return result.rows;
}

/** Applies `changes` only at `expectedVersion`; undefined when missing, archived or changed meanwhile. */
export async function updateDoctorIfVersion(
  db: Queryable,
  id: string,
  expectedVersion: number,
  changes: UpdateDoctorInput,
): Promise<DoctorRecord | undefined> {
  const assignments: string[] = [];
  const params: unknown[] = [id, expectedVersion];
  for (const [field, column] of Object.entries(EDITABLE_COLUMNS)) {
    const value = changes[field as keyof UpdateDoctorInput];
    if (value === undefined) continue;
    params.push(value);
    assignments.push(`${column} = $${params.length}`);
  }
  const result = await db.query<DoctorRecord>(
    `UPDATE doctors SET ${assignments.join(', ')}, version = version + 1, updated_at = now()
      WHERE id = $1 AND version = $2 AND NOT archived
      RETURNING ${COLUMNS}`,
    params,
  );
  return result.rows[0];
}

export async function setDoctorArchived(
  db: Queryable,
  id: string,
  archived: boolean,
): Promise<DoctorRecord | undefined> {
  const result = await db.query<DoctorRecord>(
    `UPDATE doctors SET archived = $2, version = version + 1, updated_at = now()
      WHERE id = $1 AND archived <> $2
      RETURNING ${COLUMNS}`,
    [id, archived],
  );
  return result.rows[0];
}

export interface DoctorSearchCriteria {
  readonly q: string;
  readonly specialization: string;
  readonly departmentId: string | undefined;
  readonly includeArchived: boolean;
  readonly limit: number;
  readonly offset: number;
}

/** Name and specialization contain the given text (trigram indexes serve the ILIKE). */
export async function searchDoctors(
  db: Queryable,
  criteria: DoctorSearchCriteria,
): Promise<{ items: DoctorRecord[]; total: number }> {
  const params: unknown[] = [criteria.includeArchived];
  const conditions = ['($1 OR NOT archived)'];
  const q = criteria.q.trim();
  if (q !== '') {
    params.push(`%${escapeLike(q)}%`);
    conditions.push(`name ILIKE $${params.length}`);
  }
  const specialization = criteria.specialization.trim();
  if (specialization !== '') {
    params.push(`%${escapeLike(specialization)}%`);
    conditions.push(`specialization ILIKE $${params.length}`);
  }
  if (criteria.departmentId !== undefined) {
    params.push(criteria.departmentId);
    conditions.push(`department_id = $${params.length}`);
  }
  const where = conditions.join(' AND ');
  const n = params.length;
  const [items, count] = await Promise.all([
    db.query<DoctorRecord>(
      `SELECT ${COLUMNS} FROM doctors WHERE ${where} ORDER BY name, id LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...params, criteria.limit, criteria.offset],
    ),
    db.query<{ total: number }>(`SELECT count(*)::int AS total FROM doctors WHERE ${where}`, params),
  ]);
  return { items: items.rows, total: count.rows[0]!.total };
}

export async function userExists(db: Queryable, userId: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM users WHERE id = $1', [userId]);
  return result.rows.length > 0;
}
