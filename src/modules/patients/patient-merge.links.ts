import { sqlState, type Queryable } from '../../db/index.js';
import { ConflictError } from '../../shared/errors.js';

/**
 * A column that holds a patient id under a foreign key to patients(id), read from the catalog at run
 * time so that tables added by later migrations are moved by a merge without anyone remembering to.
 */
export interface PatientLink {
  readonly schema: string;
  readonly table: string;
  readonly column: string;
  /** Columns of the table's primary key, in key order. */
  readonly primaryKey: readonly string[];
  /** Optimistic-lock and bookkeeping columns kept current when a row changes patient. */
  readonly hasVersion: boolean;
  readonly hasUpdatedAt: boolean;
  readonly hasUpdatedBy: boolean;
}

/** The rows of one link that pointed at the merged patient, by primary key (as JSON objects). */
export interface MovedLink {
  readonly schema: string;
  readonly table: string;
  readonly column: string;
  readonly primaryKey: readonly string[];
  readonly keys: readonly Record<string, unknown>[];
}

/**
 * Tables that reference patients but record what happened to a record rather than belong to the person:
 * moving them would rewrite history. patient_merges is the record of merges itself; an emergency access
 * grant is evidence that someone opened this very record (reviewed as such, and guarded against change).
 * audit_events.patient_id has no foreign key, so the audit trail is never touched either.
 */
const EVIDENCE_TABLES = new Set(['public.patient_merges', 'public.emergency_access_grants']);

/** Single-column foreign keys to patients(id); partitions are covered by their partitioned parent. */
export async function findPatientLinks(db: Queryable): Promise<PatientLink[]> {
  const result = await db.query<PatientLink>(
    `SELECT n.nspname::text AS schema, c.relname::text AS "table", a.attname::text AS column,
            coalesce((SELECT jsonb_agg(pa.attname::text ORDER BY k.position)
                        FROM pg_constraint pk
                        CROSS JOIN LATERAL unnest(pk.conkey) WITH ORDINALITY AS k (attnum, position)
                        JOIN pg_attribute pa ON pa.attrelid = pk.conrelid AND pa.attnum = k.attnum
                       WHERE pk.conrelid = c.oid AND pk.contype = 'p'), '[]'::jsonb) AS "primaryKey",
            EXISTS (SELECT 1 FROM pg_attribute x WHERE x.attrelid = c.oid AND x.attname = 'version'
                       AND NOT x.attisdropped AND x.atttypid = 'integer'::regtype) AS "hasVersion",
            EXISTS (SELECT 1 FROM pg_attribute x WHERE x.attrelid = c.oid AND x.attname = 'updated_at'
                       AND NOT x.attisdropped AND x.atttypid = 'timestamptz'::regtype) AS "hasUpdatedAt",
            EXISTS (SELECT 1 FROM pg_attribute x WHERE x.attrelid = c.oid AND x.attname = 'updated_by'
                       AND NOT x.attisdropped AND x.atttypid = 'uuid'::regtype) AS "hasUpdatedBy"
       FROM pg_constraint fk
       JOIN pg_class c ON c.oid = fk.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = fk.conrelid AND a.attnum = fk.conkey[1]
      WHERE fk.contype = 'f' AND fk.confrelid = 'patients'::regclass AND fk.conparentid = 0
        AND cardinality(fk.conkey) = 1
      ORDER BY 1, 2, 3`,
  );
  return result.rows.filter((link) => !EVIDENCE_TABLES.has(`${link.schema}.${link.table}`));
}

function identifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function tableName(link: { schema: string; table: string }): string {
  return `${identifier(link.schema)}.${identifier(link.table)}`;
}

/** SET clause additions that keep a moved row's version (ETag), updated_at and updated_by honest. */
function bookkeeping(link: PatientLink, alias: string, userParam: string): string {
  return [
    link.hasVersion ? `, version = ${alias}.version + 1` : '',
    link.hasUpdatedAt ? ', updated_at = now()' : '',
    link.hasUpdatedBy ? `, updated_by = ${userParam}` : '',
  ].join('');
}

/** The statuses a rule violation has when moving rows would break a constraint or a guard trigger. */
const REFUSED_MOVE_STATES = new Set(['23505', '23P01', '23514', '23503', '42501', 'P0001']);

async function refusingConflicts<T>(link: PatientLink, action: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const state = sqlState(error);
    if (state === undefined || !REFUSED_MOVE_STATES.has(state)) throw error;
    const constraint = (error as { constraint?: unknown }).constraint;
    throw new ConflictError(
      `The ${link.table} records cannot be ${action}: that would break ${
        typeof constraint === 'string' ? `the rule ${constraint}` : 'a rule of that table'
      }. Resolve the conflicting ${link.table} record first; nothing was changed.`,
    );
  }
}

/**
 * Records the primary keys of the rows of `link` that point at `fromPatientId`, then points them at
 * `toPatientId`. The caller holds both patient rows FOR UPDATE, which blocks any concurrent insert or
 * update that would reference them (foreign key checks take KEY SHARE), so the keys are exactly the rows moved.
 */
export async function moveLinkedRows(
  db: Queryable,
  link: PatientLink,
  fromPatientId: string,
  toPatientId: string,
  userId: string,
): Promise<MovedLink> {
  if (link.primaryKey.length === 0) {
    throw new ConflictError(
      `The table ${link.table} refers to patients but has no primary key, so a merge could not be undone exactly. Nothing was changed.`,
    );
  }
  const table = tableName(link);
  const column = identifier(link.column);
  const keyColumns = link.primaryKey.map(identifier);
  const found = await db.query<{ keys: Record<string, unknown>[] }>(
    `SELECT coalesce(jsonb_agg(to_jsonb(k) ORDER BY ${keyColumns.map((key) => `k.${key}`).join(', ')}),
                     '[]'::jsonb) AS keys
       FROM (SELECT ${keyColumns.join(', ')} FROM ${table} WHERE ${column} = $1) AS k`,
    [fromPatientId],
  );
  const keys = found.rows[0]!.keys;
  if (keys.length > 0) {
    const params = link.hasUpdatedBy ? [fromPatientId, toPatientId, userId] : [fromPatientId, toPatientId];
    const moved = await refusingConflicts(link, 'moved to the surviving patient', () =>
      db.query(
        `UPDATE ${table} AS target SET ${column} = $2${bookkeeping(link, 'target', '$3')}
          WHERE target.${column} = $1`,
        params,
      ),
    );
    if (moved.rowCount !== keys.length) throw new Error(`moved ${moved.rowCount} of ${keys.length} rows`);
  }
  return { schema: link.schema, table: link.table, column: link.column, primaryKey: link.primaryKey, keys };
}

/**
 * Points exactly the rows listed in `moved` back at `toPatientId`, provided each still points at
 * `fromPatientId`; refuses (409) when any of them has since moved elsewhere, since the undo would no
 * longer be exact. Rows added to the survivor after the merge are not listed and stay where they are.
 */
export async function moveRowsBack(
  db: Queryable,
  link: PatientLink,
  moved: MovedLink,
  fromPatientId: string,
  toPatientId: string,
  userId: string,
): Promise<number> {
  if (moved.keys.length === 0) return 0;
  const table = tableName(link);
  const column = identifier(link.column);
  // A key column that is the patient column itself now holds the survivor, matched by the WHERE below.
  const keyMatch = moved.primaryKey
    .filter((key) => key !== link.column)
    .map((key) => ` AND target.${identifier(key)} = listed.${identifier(key)}`)
    .join('');
  const params = [toPatientId, fromPatientId, JSON.stringify(moved.keys)];
  if (link.hasUpdatedBy) params.push(userId);
  const result = await refusingConflicts(link, 'moved back to the restored patient', () =>
    db.query(
      `UPDATE ${table} AS target SET ${column} = $1${bookkeeping(link, 'target', '$4')}
         FROM jsonb_populate_recordset(NULL::${table}, $3::jsonb) AS listed
        WHERE target.${column} = $2${keyMatch}`,
      params,
    ),
  );
  if (result.rowCount !== moved.keys.length) {
    throw new ConflictError(
      `${moved.keys.length - result.rowCount} of the ${link.table} records moved by this merge no longer belong to the surviving patient, so the merge cannot be undone exactly. Nothing was changed.`,
    );
  }
  return result.rowCount;
}
