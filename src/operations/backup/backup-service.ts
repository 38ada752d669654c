import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../../config/load.js';
import { embeddedDataDir } from '../../db/index.js';
import { VERSION } from '../../server/version.js';
import { createApplicationArchive, verifyApplicationArchive } from './app-archive.js';
import { BackupError } from './backup-error.js';
import {
  backupBaseName,
  backupFamily,
  checkRecordedChecksum,
  listBackups,
  manifestPath,
  readManifest,
  type ApplicationArchive,
  type BackupEntry,
  type BackupFormat,
  type BackupManifest,
} from './backup-files.js';
import { dumpEmbedded, readAll, restoreIntoEmbedded } from './embedded-backup.js';
import { inspectDecrypted } from './integrity.js';
import { dumpPostgres, PostgresServer, restoreIntoPostgres, snapshotOf } from './postgres-backup.js';
import { compareWithManifest, type DatabaseSnapshot } from './snapshot.js';
import { openDecrypted } from './streams.js';

export { BackupError } from './backup-error.js';

export interface BackupOptions {
  /** Called with bytes processed so far, for a progress line on a terminal. */
  readonly onProgress?: ((bytes: number) => void) | undefined;
  /** Environment for gpg (GNUPGHOME) and libpq. */
  readonly env?: NodeJS.ProcessEnv;
  readonly operator: string;
}

const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Backups as the manual makes them, of either database MediSys runs on: PostgreSQL as `pg_dump -Fc`,
 * the embedded one as PGlite's plain-SQL pg_dump, both streamed through
 * `gpg --symmetric --cipher-algo AES256` (never an unencrypted byte on disk), each with a sha256 file
 * and a manifest (format, schema version, row counts) taken from the same snapshot as the dump.
 * Either kind restores into PostgreSQL, which is how an embedded installation moves to a server.
 */
export class BackupService {
  constructor(private readonly config: AppConfig) {}

  private passphraseFile(): string {
    const file = this.config.backup.passphraseFile;
    if (!file) {
      throw new BackupError(
        'Set backup.passphrase-file to a file holding the backup passphrase (mode 0600).',
      );
    }
    try {
      statSync(file);
    } catch {
      throw new BackupError(`The backup passphrase file ${file} does not exist or cannot be read.`);
    }
    return file;
  }

  list(): BackupEntry[] {
    return listBackups(this.config.backup.dir);
  }

  /** The newest backup, for `verify` without a file. */
  newest(): string {
    const newest = this.list()[0];
    if (!newest)
      throw new BackupError(`There is no backup in ${this.config.backup.dir}. Run medisys backup create.`);
    return newest.path;
  }

  async create(
    options: BackupOptions & { application?: boolean },
  ): Promise<{ file: string; manifest: BackupManifest }> {
    const passphraseFile = this.passphraseFile();
    mkdirSync(this.config.backup.dir, { recursive: true, mode: 0o700 });
    const file = path.join(this.config.backup.dir, `${backupBaseName(new Date())}.dump.gpg`);
    const url = this.config.datasource.url;
    const { encrypted, snapshot } = url
      ? await dumpPostgres(url, file, passphraseFile, options)
      : await dumpEmbedded(embeddedDataDir(this.config), file, passphraseFile, options);
    let application: ApplicationArchive | undefined;
    let applicationError: Error | undefined;
    if (options.application) {
      try {
        application = await createApplicationArchive(
          file,
          passphraseFile,
          {
            config: this.config.sourceFile ? path.dirname(this.config.sourceFile) : undefined,
            logs: this.config.logging.dir,
            uploads: this.config.uploadsDir,
            keyFile: this.config.security.encryption.keyFile,
          },
          options,
        );
      } catch (error) {
        applicationError = error as Error;
      }
    }
    const manifest: BackupManifest = {
      format: url ? 'pg_dump-custom' : 'pg_dump-plain-sql',
      source: url ? 'postgresql' : 'embedded',
      serverVersion: snapshot.serverVersion,
      file: path.basename(file),
      createdAt: new Date().toISOString(),
      createdBy: options.operator,
      medisysVersion: VERSION,
      schemaVersion: snapshot.schemaVersion,
      database: url ? new URL(url).pathname.slice(1) : embeddedDataDir(this.config),
      rowCounts: snapshot.rowCounts,
      patientsChecksum: snapshot.patientsChecksum,
      sizeBytes: encrypted.sizeBytes,
      sha256: encrypted.sha256,
      ...(application ? { application } : {}),
    };
    writeFileSync(manifestPath(file), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    writeFileSync(
      path.join(this.config.backup.dir, 'last-successful-backup.json'),
      `${JSON.stringify({ file: manifest.file, completedAt: new Date().toISOString() })}\n`,
    );
    if (applicationError) {
      throw new BackupError(
        `The database backup ${file} is complete, but the application archive failed: ${applicationError.message}`,
      );
    }
    return { file, manifest };
  }

  /** Checksum, full decryption and a format check; `deep` also restores into a scratch database. */
  async verify(file: string, options: BackupOptions & { deep?: boolean }): Promise<string[]> {
    const findings: string[] = [];
    const format = await this.checkIntegrity(file, options, findings);
    findings.push(...(await verifyApplicationArchive(file, this.passphraseFile(), options)));
    if (options.deep) findings.push(...(await this.deepVerify(file, format, options)));
    return findings;
  }

  private async checkIntegrity(
    file: string,
    options: BackupOptions,
    findings: string[],
  ): Promise<BackupFormat> {
    const passphraseFile = this.passphraseFile();
    if (!existsSync(file)) throw new BackupError(`${file} does not exist.`);
    findings.push(await checkRecordedChecksum(file));
    let format: BackupFormat;
    try {
      format = await inspectDecrypted(openDecrypted(file, passphraseFile, options), options.env);
    } catch (error) {
      throw new BackupError(
        `${path.basename(file)} cannot be decrypted and read: ${(error as Error).message}. Use another backup.`,
      );
    }
    findings.push(
      format === 'pg_dump-custom'
        ? 'decrypts and reads as a pg_dump archive'
        : 'decrypts to a complete plain-SQL dump (from the embedded database)',
    );
    return format;
  }

  private async deepVerify(file: string, format: BackupFormat, options: BackupOptions): Promise<string[]> {
    if (this.config.datasource.url) {
      const scratch = `medisys_verify_${randomBytes(4).toString('hex')}`;
      try {
        return await this.restore(file, scratch, { ...options, force: false, format });
      } finally {
        await new PostgresServer(this.config.datasource.url).drop(scratch);
      }
    }
    if (format === 'pg_dump-custom') {
      throw new BackupError(
        `${path.basename(file)} is a PostgreSQL backup; a deep verify restores it into PostgreSQL: set datasource.url (MEDISYS_DATASOURCE_URL).`,
      );
    }
    const sql = await readAll(openDecrypted(file, this.passphraseFile(), options));
    const snapshot = await restoreIntoEmbedded(sql, undefined);
    return ['restored into a scratch embedded database', ...this.compare(file, snapshot)];
  }

  private compare(file: string, snapshot: DatabaseSnapshot): string[] {
    const manifest = readManifest(file);
    return manifest
      ? [compareWithManifest(snapshot, manifest)]
      : [`no ${path.basename(manifestPath(file))}: row counts not compared`];
  }

  /**
   * Restores into `target`: on PostgreSQL a database name on the configured server (created when
   * missing), on the embedded database a new data folder. The file is checked whole before anything
   * is written and the restore is one transaction, so a bad file leaves the target untouched. Row
   * counts and the patients checksum are compared with the manifest afterwards.
   */
  async restore(
    file: string,
    target: string,
    options: BackupOptions & { force: boolean; format?: BackupFormat },
  ): Promise<string[]> {
    const url = this.config.datasource.url;
    if (url && !DATABASE_NAME.test(target)) {
      throw new BackupError(`"${target}" is not a database name (letters, digits, underscore).`);
    }
    const findings: string[] = [];
    const format = options.format ?? (await this.checkIntegrity(file, options, findings));
    const decrypted = (): ReturnType<typeof openDecrypted> =>
      openDecrypted(file, this.passphraseFile(), options);
    if (!url) {
      if (format === 'pg_dump-custom') {
        throw new BackupError(
          `${path.basename(file)} is a PostgreSQL backup: restore it into PostgreSQL by setting datasource.url (MEDISYS_DATASOURCE_URL) to the server and --target to the database name.`,
        );
      }
      const folder = path.resolve(target);
      const snapshot = await restoreIntoEmbedded(await readAll(decrypted()), folder);
      return [
        ...findings,
        `restored into a new embedded database folder ${folder}`,
        ...this.compare(file, snapshot),
      ];
    }
    const server = new PostgresServer(url);
    const existed = await server.exists(target);
    let replace = false;
    if (existed) {
      const tables = await server.tableCount(target);
      if (tables > 0 && !options.force) {
        throw new BackupError(
          `Database ${target} is not empty (${tables} tables). Restore into a new database, or add --force to replace its contents.`,
        );
      }
      replace = tables > 0;
    } else {
      await server.create(target);
    }
    try {
      await restoreIntoPostgres(server.urlOf(target), format, decrypted(), { ...options, replace });
    } catch (error) {
      if (!existed) await server.drop(target);
      throw new BackupError(`Restore into ${target} failed and was rolled back: ${(error as Error).message}`);
    }
    findings.push(`restored into ${target}`);
    return [...findings, ...this.compare(file, await snapshotOf(server.urlOf(target)))];
  }

  /** Deletes backups (and every file that belongs to them) older than `keepDays`; returns those removed. */
  prune(keepDays: number): string[] {
    const cutoff = Date.now() - keepDays * 86_400_000;
    const removed: string[] = [];
    for (const entry of this.list()) {
      if (entry.createdAt.getTime() >= cutoff) continue;
      for (const member of backupFamily(entry.path)) rmSync(member, { force: true });
      removed.push(entry.file);
    }
    return removed;
  }
}
