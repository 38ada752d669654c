import type { Queryable } from '../../db/index.js';
import type { AddCoverageInput, UpdateCoverageInput } from './coverage.schemas.js';

export interface CoverageRecord {
  readonly id: string;
  readonly patientId: string;
  readonly provider: string;
  readonly policyNumber: string;
  readonly coverageBasisPoints: number;
  readonly validFrom: string;
  readonly validTo: string | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const COLUMNS = `id, patient_id, provider, policy_number, coverage_basis_points, valid_from::text,
  valid_to::text, version, created_at, updated_at`;

function toCoverage(row: Record<string, unknown>): CoverageRecord {
  return {
    id: row['id'] as string,
    patientId: row['patient_id'] as string,
    provider: row['provider'] as string,
    policyNumber: row['policy_number'] as string,
    coverageBasisPoints: row['coverage_basis_points'] as number,
    validFrom: row['valid_from'] as string,
    validTo: row['valid_to'] as string | null,
    version: row['version'] as number,
    createdAt: new Date(row['created_at'] as string).toISOString(),
    updatedAt: new Date(row['updated_at'] as string).toISOString(),
  };
}

export async function insertCoverage(
  db: Queryable,
  patientId: string,
  input: AddCoverageInput,
  userId: string,
): Promise<CoverageRecord> {
  const result = await db.query<Record<string, unknown>>(
    `INSERT INTO insurance_coverages (patient_id, provider, policy_number, coverage_basis_points, valid_from,
       valid_to, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING ${COLUMNS}`,
    [
      patientId,
      input.provider.trim(),
      input.policyNumber.trim(),
      input.coverageBasisPoints,
      input.validFrom,
      input.validTo ?? null,
      userId,
    ],
  );
  return toCoverage(result.rows[0]!);
}

const EDITABLE = {
  provider: 'provider',
  policyNumber: 'policy_number',
  coverageBasisPoints: 'coverage_basis_points',
  validFrom: 'valid_from',
  validTo: 'valid_to',
} as const satisfies Record<keyof UpdateCoverageInput, string>;

/** Applies `changes` only at `expectedVersion`; undefined when missing or changed meanwhile. */
export async function updateCoverageIfVersion(
  db: Queryable,
  id: string,
  expectedVersion: number,
  changes: UpdateCoverageInput,
  userId: string,
): Promise<CoverageRecord | undefined> {
  const assignments: string[] = [];
  const params: unknown[] = [id, expectedVersion, userId];
  for (const [field, column] of Object.entries(EDITABLE)) {
    const value = changes[field as keyof UpdateCoverageInput];
    if (value === undefined) continue;
    params.push(typeof value === 'string' ? value.trim() : value);
    assignments.push(`${column} = $${params.length}`);
  }
  const result = await db.query<Record<string, unknown>>(
    `UPDATE insurance_coverages SET ${assignments.join(', ')}, version = version + 1, updated_at = now(),
            updated_by = $3
      WHERE id = $1 AND version = $2 RETURNING ${COLUMNS}`,
    params,
  );
  const row = result.rows[0];
  return row ? toCoverage(row) : undefined;
}

export async function findCoverage(db: Queryable, id: string): Promise<CoverageRecord | undefined> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM insurance_coverages WHERE id = $1`,
    [id],
  );
  const row = result.rows[0];
  return row ? toCoverage(row) : undefined;
}

export async function findCoveragesOfPatient(db: Queryable, patientId: string): Promise<CoverageRecord[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM insurance_coverages WHERE patient_id = $1 ORDER BY valid_from DESC, created_at DESC`,
    [patientId],
  );
  return result.rows.map(toCoverage);
}

/** Coverages in force on `date` (both validity dates included), optionally of one payer. */
export async function findCoveragesValidOn(
  db: Queryable,
  patientId: string,
  date: string,
  provider: string | null,
): Promise<CoverageRecord[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM insurance_coverages
      WHERE patient_id = $1 AND valid_from <= $2::date AND (valid_to IS NULL OR valid_to >= $2::date)
        AND ($3::text IS NULL OR lower(provider) = lower($3))
      ORDER BY coverage_basis_points DESC, valid_from DESC`,
    [patientId, date, provider],
  );
  return result.rows.map(toCoverage);
}
