import type { Queryable } from '../../db/index.js';
import type { AdmissionStatus } from './admissions.schemas.js';
import { ADMISSION_SELECT, admissionOf, type AdmissionRecord } from './admissions.repository.js';

type Row = Record<string, unknown>;

export interface AdmissionListCriteria {
  readonly status: AdmissionStatus | 'open' | undefined;
  readonly departmentId: string | undefined;
  readonly patientId: string | undefined;
  readonly doctorId: string | undefined;
  readonly limit: number;
  readonly offset: number;
}

function listCondition(criteria: AdmissionListCriteria): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const conditions: string[] = ['true'];
  if (criteria.status === 'open') conditions.push(`a.status <> 'discharged'`);
  else if (criteria.status) {
    params.push(criteria.status);
    conditions.push(`a.status = $${params.length}`);
  }
  for (const [column, value] of [
    ['a.department_id', criteria.departmentId],
    ['a.patient_id', criteria.patientId],
    ['a.doctor_id', criteria.doctorId],
  ] as const) {
    if (value === undefined) continue;
    params.push(value);
    conditions.push(`${column} = $${params.length}`);
  }
  return { where: conditions.join(' AND '), params };
}

/** Newest arrivals first. */
export async function listAdmissions(
  db: Queryable,
  criteria: AdmissionListCriteria,
): Promise<{ items: AdmissionRecord[]; total: number }> {
  const { where, params } = listCondition(criteria);
  const n = params.length;
  const items = await db.query<Row>(
    `${ADMISSION_SELECT} WHERE ${where} ORDER BY a.arrived_at DESC, a.id LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...params, criteria.limit, criteria.offset],
  );
  const count = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM admissions a WHERE ${where}`,
    params,
  );
  return { items: items.rows.map(admissionOf), total: count.rows[0]!.total };
}

/** Open admissions, most urgent first, then longest waiting. */
export async function findBoard(
  db: Queryable,
  departmentId: string | undefined,
  limit: number,
  offset: number,
): Promise<{ items: AdmissionRecord[]; total: number }> {
  const where = `a.status <> 'discharged' AND ($1::uuid IS NULL OR a.department_id = $1)`;
  const items = await db.query<Row>(
    `${ADMISSION_SELECT} WHERE ${where} ORDER BY a.triage_priority, a.arrived_at, a.id LIMIT $2 OFFSET $3`,
    [departmentId ?? null, limit, offset],
  );
  const count = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM admissions a WHERE ${where}`,
    [departmentId ?? null],
  );
  return { items: items.rows.map(admissionOf), total: count.rows[0]!.total };
}
