import type { Queryable } from '../../db/index.js';
import type { EncryptedField } from './field-cipher.js';

/**
 * Every encrypted column, with its keyed-hash column and the column of plaintext not yet encrypted
 * (left by migration 0017). Identifiers here are constants, never input, so they are spliced into SQL.
 */
export interface EncryptedColumn {
  readonly field: EncryptedField;
  readonly table: 'patients' | 'insurance_coverages' | 'claims';
  readonly encrypted: string;
  readonly hash: string | undefined;
  readonly plaintext: string | undefined;
}

export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  {
    field: 'patients.national_id',
    table: 'patients',
    encrypted: 'national_id_encrypted',
    hash: 'national_id_hash',
    plaintext: undefined,
  },
  {
    field: 'patients.insurance_number',
    table: 'patients',
    encrypted: 'insurance_number_encrypted',
    hash: 'insurance_number_hash',
    plaintext: 'insurance_number_plaintext',
  },
  {
    field: 'insurance_coverages.policy_number',
    table: 'insurance_coverages',
    encrypted: 'policy_number_encrypted',
    hash: 'policy_number_hash',
    plaintext: 'policy_number_plaintext',
  },
  {
    field: 'claims.policy_number',
    table: 'claims',
    encrypted: 'policy_number_encrypted',
    hash: undefined,
    plaintext: 'policy_number_plaintext',
  },
];

/** What a pass re-encrypts: plaintext left by the migration only, or also values under older keys. */
export type PendingWork = 'plaintext' | 'rotation';

function pendingCondition(column: EncryptedColumn, work: PendingWork, activeKeyParam: string): string {
  const conditions: string[] = [];
  if (column.plaintext) conditions.push(`${column.plaintext} IS NOT NULL`);
  // The active key is a parameter of every query, used or not: its type must be known either way.
  conditions.push(
    work === 'rotation'
      ? `(${column.encrypted} IS NOT NULL AND split_part(${column.encrypted}, ':', 2) <> ${activeKeyParam}::text)`
      : `${activeKeyParam}::text IS NULL`,
  );
  return `(${conditions.join(' OR ')})`;
}

export async function countPending(
  db: Queryable,
  column: EncryptedColumn,
  work: PendingWork,
  activeKeyId: string,
): Promise<number> {
  const result = await db.query<{ pending: number }>(
    `SELECT count(*)::int AS pending FROM ${column.table} WHERE ${pendingCondition(column, work, '$1')}`,
    [activeKeyId],
  );
  return result.rows[0]!.pending;
}

export interface PendingValue {
  readonly id: string;
  readonly plaintext: string | null;
  readonly encrypted: string | null;
}

/** The next rows to re-encrypt after `afterId`, locked so that a concurrent edit waits for this batch. */
export async function lockPendingBatch(
  db: Queryable,
  column: EncryptedColumn,
  work: PendingWork,
  activeKeyId: string,
  afterId: string | null,
  limit: number,
): Promise<PendingValue[]> {
  const result = await db.query<PendingValue>(
    `SELECT id::text AS id, ${column.plaintext ?? 'NULL::text'} AS plaintext, ${column.encrypted} AS encrypted
       FROM ${column.table}
      WHERE ($2::uuid IS NULL OR id > $2::uuid) AND ${pendingCondition(column, work, '$1')}
      ORDER BY id LIMIT $3 FOR UPDATE`,
    [activeKeyId, afterId, limit],
  );
  return result.rows;
}

export interface SealedValue {
  readonly id: string;
  readonly encrypted: string;
  readonly hash: string | null;
}

/** Stores re-encrypted values and empties the plaintext column; no version bump (the content is the same). */
export async function storeSealedValues(
  db: Queryable,
  column: EncryptedColumn,
  values: readonly SealedValue[],
): Promise<void> {
  if (values.length === 0) return;
  const assignments = [`${column.encrypted} = v.encrypted`];
  if (column.hash) assignments.push(`${column.hash} = v.hash`);
  if (column.plaintext) assignments.push(`${column.plaintext} = NULL`);
  await db.query(
    `UPDATE ${column.table} AS t SET ${assignments.join(', ')}
       FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, encrypted text, hash text)
      WHERE t.id = v.id`,
    [JSON.stringify(values)],
  );
}

/** How many values each key id holds in a column (plaintext counted under the id `plaintext`). */
export async function countByKey(db: Queryable, column: EncryptedColumn): Promise<Map<string, number>> {
  const keyId = column.plaintext
    ? `CASE WHEN ${column.plaintext} IS NOT NULL THEN 'plaintext' ELSE split_part(${column.encrypted}, ':', 2) END`
    : `split_part(${column.encrypted}, ':', 2)`;
  const result = await db.query<{ keyId: string; values: number }>(
    `SELECT ${keyId} AS "keyId", count(*)::int AS values
       FROM ${column.table}
      WHERE ${column.encrypted} IS NOT NULL${column.plaintext ? ` OR ${column.plaintext} IS NOT NULL` : ''}
      GROUP BY 1`,
  );
  return new Map(result.rows.map((row) => [row.keyId, row.values]));
}

export interface RegisteredKey {
  readonly keyId: string;
  readonly checkValue: string;
  readonly retiredAt: Date | null;
}

export async function findRegisteredKeys(db: Queryable): Promise<RegisteredKey[]> {
  const result = await db.query<RegisteredKey>(
    `SELECT key_id AS "keyId", check_value AS "checkValue", retired_at AS "retiredAt"
       FROM encryption_keys ORDER BY registered_at, key_id`,
  );
  return result.rows;
}

/** Records a key as in use (again, if it had been retired). */
export async function registerKey(db: Queryable, keyId: string, checkValue: string): Promise<void> {
  await db.query(
    `INSERT INTO encryption_keys (key_id, check_value) VALUES ($1, $2)
     ON CONFLICT (key_id) DO UPDATE SET retired_at = NULL WHERE encryption_keys.retired_at IS NOT NULL`,
    [keyId, checkValue],
  );
}

/** Marks every key but `activeKeyId` retired: no value needs it any more. Returns the ids retired. */
export async function retireOtherKeys(db: Queryable, activeKeyId: string): Promise<string[]> {
  const result = await db.query<{ keyId: string }>(
    `UPDATE encryption_keys SET retired_at = now() WHERE key_id <> $1 AND retired_at IS NULL
     RETURNING key_id AS "keyId"`,
    [activeKeyId],
  );
  return result.rows.map((row) => row.keyId);
}
