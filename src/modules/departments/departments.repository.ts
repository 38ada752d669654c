import type { Queryable } from '../../db/index.js';
import { escapeLike } from '../../shared/like.js';
import type { CreateDepartmentInput, UpdateDepartmentInput } from './departments.schemas.js';

export interface DepartmentRecord {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly headDoctorId: string | null;
  readonly location: string | null;
  readonly floor: string | null;
  readonly phone: string | null;
  readonly email: string | null;
  readonly operatingHours: string | null;
  readonly archived: boolean;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const COLUMNS = `id, code, name, head_doctor_id AS "headDoctorId", location, floor, phone, email,
  operating_hours AS "operatingHours", archived, version, created_at AS "createdAt", updated_at AS "updatedAt"`;

const EDITABLE_COLUMNS = {
  code: 'code',
  name: 'name',
  headDoctorId: 'head_doctor_id',
  location: 'location',
  floor: 'floor',
  phone: 'phone',
  email: 'email',
  operatingHours: 'operating_hours',
} as const satisfies Record<keyof UpdateDepartmentInput, string>;

export async function insertDepartment(
  db: Queryable,
  input: CreateDepartmentInput,
): Promise<DepartmentRecord> {
  const result = await db.query<DepartmentRecord>(
    `INSERT INTO departments (code, name, head_doctor_id, location, floor, phone, email, operating_hours)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     RETURNING ${COLUMNS}`,
    [
      input.code,
      input.name,
      input.headDoctorId ?? null,
      input.location ?? null,
      input.floor ?? null,
      input.phone ?? null,
      input.email ?? null,
      input.operatingHours ?? null,
    ],
  );
  return result.rows[0]!;
}

export async function findDepartmentById(db: Queryable, id: string): Promise<DepartmentRecord | undefined> {
  const result = await db.query<DepartmentRecord>(`SELECT ${COLUMNS} FROM departments WHERE id = $1`, [id]);
  return result.rows[0];
}

export async function findDepartmentByCode(
  db: Queryable,
  code: string,
): Promise<DepartmentRecord | undefined> {
  const result = await db.query<DepartmentRecord>(`SELECT ${COLUMNS} FROM departments WHERE code = $1`, [
    code,
  ]);
  return result.rows[0];
}

/** Applies `changes` only at `expectedVersion`; undefined when missing, archived or changed meanwhile. */
export async function updateDepartmentIfVersion(
  db: Queryable,
  id: string,
  expectedVersion: number,
  changes: UpdateDepartmentInput,
): Promise<DepartmentRecord | undefined> {
  const assignments: string[] = [];
  const params: unknown[] = [id, expectedVersion];
  for (const [field, column] of Object.entries(EDITABLE_COLUMNS)) {
    const value = changes[field as keyof UpdateDepartmentInput];
    if (value === undefined) continue;
    params.push(value);
    assignments.push(`${column} = $${params.length}`);
  }
  const result = await db.query<DepartmentRecord>(
    `UPDATE departments SET ${assignments.join(', ')}, version = version + 1, updated_at = now()
      WHERE id = $1 AND version = $2 AND NOT archived
      RETURNING ${COLUMNS}`,
    params,
  );
  return result.rows[0];
}

export async function setDepartmentArchived(
  db: Queryable,
  id: string,
  archived: boolean,
): Promise<DepartmentRecord | undefined> {
  const result = await db.query<DepartmentRecord>(
    `UPDATE departments SET archived = $2, version = version + 1, updated_at = now()
      WHERE id = $1 AND archived <> $2
      RETURNING ${COLUMNS}`,
    [id, archived],
  );
  return result.rows[0];
}

export interface DepartmentSearchCriteria {
  readonly q: string;
  readonly includeArchived: boolean;
  readonly limit: number;
  readonly offset: number;
}

/** Name contains `q` (case-insensitive) or the code is `q`. */
export async function searchDepartments(
  db: Queryable,
  criteria: DepartmentSearchCriteria,
): Promise<{ items: DepartmentRecord[]; total: number }> {
  const q = criteria.q.trim();
  const params: unknown[] = [criteria.includeArchived];
  let where = '($1 OR NOT archived)';
  if (q !== '') {
    params.push(`%${escapeLike(q)}%`, q.toUpperCase());
    where += ' AND (name ILIKE $2 OR code = $3)';
  }
  const n = params.length;
  const [items, count] = await Promise.all([
    db.query<DepartmentRecord>(
      `SELECT ${COLUMNS} FROM departments WHERE ${where} ORDER BY name, id LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...params, criteria.limit, criteria.offset],
    ),
    db.query<{ total: number }>(`SELECT count(*)::int AS total FROM departments WHERE ${where}`, params),
  ]);
  return { items: items.rows, total: count.rows[0]!.total };
}

/** Whether a doctor exists and is not archived, for a department's head. */
export async function isActiveDoctor(db: Queryable, doctorId: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM doctors WHERE id = $1 AND NOT archived', [doctorId]);
  return result.rows.length > 0;
}
