import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { AppConfig } from '../../config/load.js';
import { BackupService } from '../../operations/backup/backup-service.js';
import { EXIT_OK, table, UsageError, type Output } from '../io.js';

const USAGE = `Usage:
  medisys backup create                      pg_dump -Fc | gpg AES256 into backup.dir, with .sha256 and manifest
  medisys backup list                        backups in backup.dir, newest first
  medisys backup verify [FILE] [--deep]      checksum + decrypt + pg_restore --list (newest when no FILE);
                                             --deep also restores into a scratch database and compares counts
  medisys backup restore FILE --target DB [--force]
                                             restore into database DB (created if missing; --force replaces a non-empty one)
  medisys backup prune [--keep-days N]       delete backups older than N days (default backup.retention-days)`;

function progress(output: Output): ((bytes: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (bytes) => output.err(`  ${(bytes / 1024 / 1024).toFixed(0)} MiB processed`);
}

function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return 'operator';
  }
}

export async function backupCommand(args: string[], config: AppConfig, output: Output): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      target: { type: 'string' },
      force: { type: 'boolean', default: false },
      deep: { type: 'boolean', default: false },
      'keep-days': { type: 'string' },
    },
  });
  const service = new BackupService(config);
  const common = { operator: operator(), onProgress: progress(output) };
  switch (action) {
    case 'create': {
      output.out('Creating an encrypted backup (pg_dump | gpg)...');
      const { file, manifest } = await service.create(common);
      const rows = Object.values(manifest.rowCounts).reduce((sum, count) => sum + count, 0);
      output.out(
        `Backup written: ${file} (${(manifest.sizeBytes / 1024 / 1024).toFixed(1)} MiB, ${rows} rows, schema version ${manifest.schemaVersion}).`,
      );
      return EXIT_OK;
    }
    case 'list': {
      const rows = service.list().map((entry) => ({
        file: entry.file,
        created: entry.createdAt,
        size: `${(entry.sizeBytes / 1024 / 1024).toFixed(1)} MiB`,
        schema: entry.manifest?.schemaVersion ?? '?',
        sha256: entry.hasChecksum ? 'yes' : 'missing',
      }));
      output.out(
        rows.length === 0
          ? `No backups in ${config.backup.dir}.`
          : table(rows, ['file', 'created', 'size', 'schema', 'sha256']),
      );
      return EXIT_OK;
    }
    case 'verify': {
      const file = positionals[0] ?? service.newest();
      output.out(`Verifying ${file}${values.deep ? ' (deep: restoring into a scratch database)' : ''}...`);
      for (const finding of await service.verify(file, { ...common, deep: values.deep }))
        output.out(`  ok: ${finding}`);
      output.out('Backup is good.');
      return EXIT_OK;
    }
    case 'restore': {
      const file = positionals[0];
      if (!file || !values.target) throw new UsageError(`Give the backup file and --target DB.\n${USAGE}`);
      output.out(`Restoring ${file} into ${values.target}...`);
      for (const finding of await service.restore(file, values.target, { ...common, force: values.force }))
        output.out(`  ok: ${finding}`);
      output.out(
        `Restored. Point datasource.url at database ${values.target} and restart MediSys to switch to it.`,
      );
      return EXIT_OK;
    }
    case 'prune': {
      const keepDays =
        values['keep-days'] === undefined ? config.backup.retentionDays : Number(values['keep-days']);
      if (!Number.isInteger(keepDays) || keepDays < 1)
        throw new UsageError('--keep-days takes a whole number of days, at least 1.');
      const removed = service.prune(keepDays);
      output.out(
        removed.length === 0
          ? `No backup is older than ${keepDays} days.`
          : `Removed ${removed.length} backup(s): ${removed.join(', ')}`,
      );
      return EXIT_OK;
    }
    case undefined:
    default:
      throw new UsageError(action ? `Unknown backup command "${action}".\n${USAGE}` : USAGE);
  }
}
