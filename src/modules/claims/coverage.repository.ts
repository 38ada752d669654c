import type { Queryable } from '../../db/index.js';
import type { FieldCipher } from '../security/index.js';
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

const COLUMNS = `id, patient_id, provider, policy_number_encrypted, policy_number_plaintext,
  coverage_basis_points, valid_from::text, valid_to::text, version, created_at, updated_at`;

const FIELD = 'insurance_coverages.policy_number';

/**
 * The policy number is stored encrypted with a keyed hash (migration 0017); it is sealed and opened here,
 * at the row boundary, so the rest of the module only ever sees the plaintext. A row older than the
 * migration that has not been encrypted yet still reads from its plaintext column.
 */
function toCoverage(row: Record<string, unknown>, cipher: FieldCipher): CoverageRecord {
  const encrypted = row['policy_number_encrypted'] as string | null;
  return {
    id: row['id'] as string,
    patientId: row['patient_id'] as string,
    provider: row['provider'] as string,
    policyNumber: encrypted ? cipher.decrypt(FIELD, encrypted) : (row['policy_number_plaintext'] as string),
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
  cipher: FieldCipher,
  patientId: string,
  input: AddCoverageInput,
  userId: string,
): Promise<CoverageRecord> {
  const result = await db.query<Record<string, unknown>>(
    `INSERT INTO insurance_coverages (patient_id, provider, policy_number_encrypted, policy_number_hash,
       coverage_basis_points, valid_from, valid_to, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING ${COLUMNS}`,
    [
      patientId,
      input.provider.trim(),
      cipher.encrypt(FIELD, input.policyNumber.trim()),
      cipher.searchHash(FIELD, input.policyNumber.trim()),
      input.coverageBasisPoints,
      input.validFrom,
      input.validTo ?? null,
      userId,
    ],
  );
  return toCoverage(result.rows[0]!, cipher);
}

const EDITABLE = {
  provider: 'provider',
  coverageBasisPoints: 'coverage_basis_points',
  validFrom: 'valid_from',
  validTo: 'valid_to',
} as const satisfies Record<Exclude<keyof UpdateCoverageInput, 'policyNumber'>, string>;

/** Applies `changes` only at `expectedVersion`; undefined when missing or changed meanwhile. */
export async function updateCoverageIfVersion(
  db: Queryable,
  cipher: FieldCipher,
  id: string,
  expectedVersion: number,
  changes: UpdateCoverageInput,
  userId: string,
): Promise<CoverageRecord | undefined> {
  const assignments: string[] = [];
  const params: unknown[] = [id, expectedVersion, userId];
  const assign = (column: string, value: unknown): void => {
    params.push(value);
    assignments.push(`${column} = $${params.length}`);
  };
  for (const [field, column] of Object.entries(EDITABLE)) {
    const value = changes[field as keyof typeof EDITABLE];
    if (value !== undefined) assign(column, typeof value === 'string' ? value.trim() : value);
  }
  if (changes.policyNumber !== undefined) {
    assign('policy_number_encrypted', cipher.encrypt(FIELD, changes.policyNumber.trim()));
    assign('policy_number_hash', cipher.searchHash(FIELD, changes.policyNumber.trim()));
    assignments.push('policy_number_plaintext = NULL');
  }
  const result = await db.query<Record<string, unknown>>(
    `UPDATE insurance_coverages SET ${assignments.join(', ')}, version = version + 1, updated_at = now(),
            updated_by = $3
      WHERE id = $1 AND version = $2 RETURNING ${COLUMNS}`,
    params,
  );
  const row = result.rows[0];
  return row ? toCoverage(row, cipher) : undefined;
}

export async function findCoverage(
  db: Queryable,
  cipher: FieldCipher,
  id: string,
): Promise<CoverageRecord | undefined> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM insurance_coverages WHERE id = $1`,
    [id],
  );
  const row = result.rows[0];
  return row ? toCoverage(row, cipher) : undefined;
}

export async function findCoveragesOfPatient(
  db: Queryable,
  cipher: FieldCipher,
  patientId: string,
): Promise<CoverageRecord[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM insurance_coverages WHERE patient_id = $1 AND superseded_by IS NULL
      ORDER BY valid_from DESC, created_at DESC`,
    [patientId],
  );
  return result.rows.map((row) => toCoverage(row, cipher));
}

/** Coverages in force on `date` (both validity dates included), optionally of one payer. */
export async function findCoveragesValidOn(
  db: Queryable,
  cipher: FieldCipher,
  patientId: string,
  date: string,
  provider: string | null,
): Promise<CoverageRecord[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM insurance_coverages
      WHERE patient_id = $1 AND superseded_by IS NULL
        AND valid_from <= $2::date AND (valid_to IS NULL OR valid_to >= $2::date)
        AND ($3::text IS NULL OR lower(provider) = lower($3))
      ORDER BY coverage_basis_points DESC, valid_from DESC`,
    [patientId, date, provider],
  );
  return result.rows.map((row) => toCoverage(row, cipher));
}
