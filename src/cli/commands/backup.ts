import { userInfo } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { AppConfig } from '../../config/load.js';
import { embeddedDataDir } from '../../db/index.js';
import { BackupService } from '../../operations/backup/backup-service.js';
import { EXIT_OK, table, UsageError, type Output } from '../io.js';

const USAGE = `Usage:
  medisys backup create [--app]              encrypted backup into backup.dir, with .sha256 and manifest:
                                             PostgreSQL as pg_dump -Fc | gpg AES256; the embedded database
                                             as plain SQL | gpg (stop medisys serve first);
                                             --app also archives config, logs, uploads and keys
  medisys backup list                        backups in backup.dir, newest first
  medisys backup verify [FILE] [--deep]      checksum + decrypt + format check (newest when no FILE);
                                             --deep also restores into a scratch database and compares counts
  medisys backup restore FILE --target DB [--force]
                                             restore into PostgreSQL database DB (created if missing; --force
                                             replaces a non-empty one); either kind of backup. Embedded
                                             datasource: DB is a new folder for an embedded database
  medisys backup prune [--keep-days N]       delete backups older than N days (default backup.retention-days)`;

function progress(output: Output): ((bytes: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (bytes) => output.err(`  ${(bytes / 1024 / 1024).toFixed(0)} MiB processed`);
}

function mebibytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
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
      app: { type: 'boolean', default: false },
    },
  });
  const service = new BackupService(config);
  const common = { operator: operator(), onProgress: progress(output) };
  switch (action) {
    case 'create': {
      output.out(
        config.datasource.url
          ? 'Creating an encrypted backup (pg_dump | gpg)...'
          : 'Creating an encrypted backup of the embedded database (pg_dump plain SQL | gpg)...',
      );
      const { file, manifest } = await service.create({ ...common, application: values.app });
      const rows = Object.values(manifest.rowCounts).reduce((sum, count) => sum + count, 0);
      output.out(
        `Backup written: ${file} (${mebibytes(manifest.sizeBytes)} MiB, ${rows} rows, schema version ${manifest.schemaVersion}).`,
      );
      if (manifest.application) {
        output.out(
          `Application archive written: ${path.join(config.backup.dir, manifest.application.file)} (${mebibytes(manifest.application.sizeBytes)} MiB: ${Object.keys(manifest.application.parts).join(', ')}).`,
        );
      }
      return EXIT_OK;
    }
    case 'list': {
      const rows = service.list().map((entry) => ({
        file: entry.file,
        created: entry.createdAt,
        size: `${mebibytes(entry.sizeBytes)} MiB`,
        source: entry.manifest?.source ?? (entry.manifest?.format === 'pg_dump-plain-sql' ? 'embedded' : '?'),
        format: entry.manifest?.format === 'pg_dump-plain-sql' ? 'sql' : entry.manifest ? 'custom' : '?',
        schema: entry.manifest?.schemaVersion ?? '?',
        sha256: entry.hasChecksum ? 'yes' : 'missing',
        app: entry.hasApplicationArchive ? 'yes' : '-',
      }));
      output.out(
        rows.length === 0
          ? `No backups in ${config.backup.dir}.`
          : table(rows, ['file', 'created', 'size', 'source', 'format', 'schema', 'sha256', 'app']),
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
        config.datasource.url
          ? `Restored. Point datasource.url at database ${values.target} and restart MediSys to switch to it.`
          : `Restored into the folder ${path.resolve(values.target)}. To switch to it, stop MediSys, move ${embeddedDataDir(config)} aside, move the restored folder to ${embeddedDataDir(config)} and start MediSys.`,
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
