import { parseArgs } from 'node:util';
import type { AppConfig } from '../../config/load.js';
import { assertConsistent, migrate, migrationStatus, openDatabase } from '../../db/index.js';
import { EXIT_FAILURE, EXIT_OK, table, type Output } from '../io.js';

export async function migrateCommand(args: string[], config: AppConfig, output: Output): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { status: { type: 'boolean', default: false } },
    strict: true,
  });
  const db = await openDatabase(config);
  try {
    const status = await migrationStatus(db);
    if (values.status) {
      const rows = [
        ...status.applied.map((m) => ({
          version: m.version,
          description: m.description,
          state: status.unknown.includes(m) ? 'applied (unknown to this build)' : 'applied',
          installed: m.installedOn,
        })),
        ...status.pending.map((f) => ({
          version: f.version,
          description: f.description,
          state: 'pending',
          installed: null,
        })),
      ];
      output.out(table(rows, ['version', 'description', 'state', 'installed']));
      for (const file of status.modified) output.out(`CHANGED since applied: ${file.fileName}`);
      output.out(`Schema version ${status.currentVersion}; ${status.pending.length} pending.`);
      return status.modified.length > 0 || status.unknown.length > 0 ? EXIT_FAILURE : EXIT_OK;
    }
    assertConsistent(status);
    const applied = await migrate(db, { onApply: (file) => output.out(`applied ${file.fileName}`) });
    output.out(
      applied.length === 0
        ? `Schema is up to date (version ${status.currentVersion}).`
        : `Applied ${applied.length} migration(s); schema version ${applied.at(-1)!.version}.`,
    );
    return EXIT_OK;
  } finally {
    await db.close();
  }
}
