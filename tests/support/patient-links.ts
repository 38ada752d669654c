import type { TestApp } from './test-app.js';

/**
 * Every foreign-key reference to patients(id) in the database, read from the catalog independently of
 * the code under test: `"table.column {primary key}" -> patient id (or null)` for every row of every
 * referencing table. Comparing two of these shows exactly which links moved.
 */
export type PatientLinkSnapshot = Record<string, string | null>;

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export async function patientLinkSnapshot(
  t: TestApp,
  options: { excludeTables?: readonly string[] } = {},
): Promise<PatientLinkSnapshot> {
  const links = await t.database.db.query<{ table: string; column: string; primaryKey: string[] }>(
    `SELECT c.relname::text AS "table", a.attname::text AS column,
            (SELECT jsonb_agg(pa.attname::text ORDER BY pa.attnum)
               FROM pg_constraint pk
               JOIN pg_attribute pa ON pa.attrelid = pk.conrelid AND pa.attnum = ANY (pk.conkey)
              WHERE pk.conrelid = c.oid AND pk.contype = 'p') AS "primaryKey"
       FROM pg_constraint fk
       JOIN pg_class c ON c.oid = fk.conrelid
       JOIN pg_attribute a ON a.attrelid = fk.conrelid AND a.attnum = fk.conkey[1]
      WHERE fk.contype = 'f' AND fk.confrelid = 'patients'::regclass
      ORDER BY 1, 2`,
  );
  const snapshot: PatientLinkSnapshot = {};
  for (const link of links.rows) {
    if (options.excludeTables?.includes(link.table)) continue;
    const key = link.primaryKey.map((column) => `'${column}', t.${quote(column)}`).join(', ');
    const rows = await t.database.db.query<{ key: string; patient: string | null }>(
      `SELECT jsonb_build_object(${key})::text AS key, t.${quote(link.column)}::text AS patient
         FROM ${quote(link.table)} t`,
    );
    for (const row of rows.rows) snapshot[`${link.table}.${link.column} ${row.key}`] = row.patient;
  }
  return snapshot;
}

/** The tables that hold a foreign key to patients(id), by the catalog. */
export async function tablesReferencingPatients(t: TestApp): Promise<string[]> {
  const result = await t.database.db.query<{ table: string }>(
    `SELECT DISTINCT conrelid::regclass::text AS "table" FROM pg_constraint
      WHERE contype = 'f' AND confrelid = 'patients'::regclass ORDER BY 1`,
  );
  return result.rows.map((row) => row.table);
}
