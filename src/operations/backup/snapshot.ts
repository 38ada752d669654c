import { BackupError } from './backup-error.js';
import type { BackupManifest } from './backup-files.js';

/** Runs one read-only statement and returns its rows: a pg.Client, a Pool or the embedded database. */
export type ReadQuery = <Row>(sql: string) => Promise<Row[]>;

/** What must come back from a backup: every table's row count, the patients checksum, the schema version. */
export interface DatabaseSnapshot {
  readonly rowCounts: Record<string, number>;
  readonly patientsChecksum: string;
  readonly schemaVersion: number;
  readonly serverVersion: string;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Reads the snapshot in whatever transaction `query` runs in (the same one as the dump, on PostgreSQL).
 * Names are schema-qualified: a restored dump leaves search_path empty.
 */
export async function readSnapshot(query: ReadQuery): Promise<DatabaseSnapshot> {
  const tables = await query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  const rowCounts: Record<string, number> = {};
  for (const { name } of tables) {
    const rows = await query<{ count: string | number }>(
      `SELECT count(*) AS count FROM public.${quoteIdentifier(name)}`,
    );
    rowCounts[name] = Number(rows[0]!.count);
  }
  const checksum =
    'patients' in rowCounts
      ? await query<{ sum: string | null }>(
          "SELECT md5(string_agg(id::text || ':' || version, ',' ORDER BY id)) AS sum FROM public.patients",
        )
      : [];
  const version =
    'schema_version' in rowCounts
      ? await query<{ version: number | null }>('SELECT max(version) AS version FROM public.schema_version')
      : [];
  const server = await query<{ version: string }>("SELECT current_setting('server_version') AS version");
  return {
    rowCounts,
    patientsChecksum: checksum[0]?.sum ?? '',
    schemaVersion: Number(version[0]?.version ?? 0),
    serverVersion: server[0]?.version ?? '',
  };
}

/** Compares a restored database with the manifest; throws naming every difference. */
export function compareWithManifest(snapshot: DatabaseSnapshot, manifest: BackupManifest): string {
  const differences = Object.entries(manifest.rowCounts)
    .filter(([table, count]) => snapshot.rowCounts[table] !== count)
    .map(([table, count]) => `${table}: ${snapshot.rowCounts[table] ?? 'missing'} rows, backup had ${count}`);
  if (snapshot.patientsChecksum !== manifest.patientsChecksum) differences.push('patients checksum differs');
  if (differences.length > 0) {
    throw new BackupError(`The restored data differs from the backup's manifest: ${differences.join('; ')}.`);
  }
  return `row counts of ${Object.keys(manifest.rowCounts).length} tables and the patients checksum match the manifest`;
}
