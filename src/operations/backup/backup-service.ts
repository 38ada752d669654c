import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { PassThrough, Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import type { AppConfig } from '../../config/load.js';
import { VERSION } from '../../server/version.js';
import {
  backupBaseName,
  checksumPath,
  listBackups,
  manifestPath,
  readManifest,
  recordedChecksum,
  sha256OfFile,
  type BackupEntry,
  type BackupManifest,
} from './backup-files.js';
import { decrypt, encrypt } from './gpg.js';
import { libpqEnvironment, runTool, withDatabase } from './processes.js';

export class BackupError extends Error {
  override name = 'BackupError';
}

export interface BackupOptions {
  /** Called with bytes processed so far, for a progress line on a terminal. */
  readonly onProgress?: (bytes: number) => void;
  /** Environment for gpg (GNUPGHOME) and libpq. */
  readonly env?: NodeJS.ProcessEnv;
  readonly operator: string;
}

interface DatabaseSnapshot {
  readonly rowCounts: Record<string, number>;
  readonly patientsChecksum: string;
  readonly schemaVersion: number;
}

async function readSnapshot(client: pg.Client): Promise<DatabaseSnapshot> {
  const tables = await client.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  const rowCounts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const result = await client.query<{ count: string }>(
      `SELECT count(*) AS count FROM public.${pg.escapeIdentifier(name)}`,
    );
    rowCounts[name] = Number(result.rows[0]!.count);
  }
  const hasPatients = 'patients' in rowCounts;
  const checksum = hasPatients
    ? await client.query<{ sum: string | null }>(
        "SELECT md5(string_agg(id::text || ':' || version, ',' ORDER BY id)) AS sum FROM patients",
      )
    : undefined;
  const version =
    'schema_version' in rowCounts
      ? await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_version')
      : undefined;
  return {
    rowCounts,
    patientsChecksum: checksum?.rows[0]?.sum ?? '',
    schemaVersion: version?.rows[0]?.version ?? 0,
  };
}

function counting(
  onProgress: ((bytes: number) => void) | undefined,
  hash?: ReturnType<typeof createHash>,
): Transform {
  let bytes = 0;
  let last = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback): void {
      bytes += chunk.length;
      hash?.update(chunk);
      if (onProgress && bytes - last > 4 * 1024 * 1024) {
        last = bytes;
        onProgress(bytes);
      }
      callback(null, chunk);
    },
  });
}

/** Copies `source` into `sink` while the sink accepts data, and drains the rest of `source` after it closes. */
async function feedUntilClosed(source: Readable, sink: Writable): Promise<void> {
  let open = true;
  sink.on('error', () => (open = false));
  sink.on('close', () => (open = false));
  for await (const chunk of source) {
    if (open && !sink.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          sink.off('drain', done);
          sink.off('close', done);
          resolve();
        };
        sink.once('drain', done);
        sink.once('close', done);
      });
    }
  }
  if (open) sink.end();
}

/**
 * Backups of a PostgreSQL database as the manual makes them: `pg_dump -Fc` streamed through
 * `gpg --symmetric --cipher-algo AES256`, never an unencrypted byte on disk, with a sha256 file and
 * a manifest (schema version, row counts) taken from the same snapshot as the dump.
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

  private databaseUrl(): string {
    if (!this.config.datasource.url) {
      throw new BackupError(
        'medisys backup works on PostgreSQL (datasource.url). The embedded database is a folder: stop MediSys and archive data.dir.',
      );
    }
    return this.config.datasource.url;
  }

  list(): BackupEntry[] {
    return listBackups(this.config.backup.dir);
  }

  async create(options: BackupOptions): Promise<{ file: string; manifest: BackupManifest }> {
    const passphraseFile = this.passphraseFile();
    const url = this.databaseUrl();
    mkdirSync(this.config.backup.dir, { recursive: true, mode: 0o700 });
    const base = backupBaseName(new Date());
    const file = path.join(this.config.backup.dir, `${base}.dump.gpg`);
    const partial = `${file}.partial`;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // One snapshot for the counts and the dump, so the manifest describes exactly what was dumped.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const snapshotId = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]!
        .id;
      const snapshot = await readSnapshot(client);
      const env = libpqEnvironment(url, options.env);
      const dump = runTool(
        'pg_dump',
        ['--format=custom', '--no-owner', '--no-privileges', `--snapshot=${snapshotId}`],
        env,
        'ignore',
      );
      const gpg = encrypt(passphraseFile, options.env);
      const hash = createHash('sha256');
      try {
        await Promise.all([
          pipeline(dump.child.stdout!, gpg.child.stdin!),
          pipeline(
            gpg.child.stdout!,
            counting(options.onProgress, hash),
            createWriteStream(partial, { mode: 0o600 }),
          ),
          dump.done,
          gpg.done,
        ]);
        const descriptor = openSync(partial, 'r');
        fsyncSync(descriptor);
        closeSync(descriptor);
      } catch (error) {
        rmSync(partial, { force: true });
        throw new BackupError(`Backup failed, nothing was kept: ${(error as Error).message}`);
      }
      await client.query('COMMIT');
      const sha256 = hash.digest('hex');
      renameSync(partial, file);
      writeFileSync(checksumPath(file), `${sha256}  ${path.basename(file)}\n`, { mode: 0o600 });
      const manifest: BackupManifest = {
        format: 'pg_dump-custom',
        file: path.basename(file),
        createdAt: new Date().toISOString(),
        createdBy: options.operator,
        medisysVersion: VERSION,
        schemaVersion: snapshot.schemaVersion,
        database: new URL(url).pathname.slice(1),
        rowCounts: snapshot.rowCounts,
        patientsChecksum: snapshot.patientsChecksum,
        sizeBytes: statSync(file).size,
        sha256,
      };
      writeFileSync(manifestPath(file), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
      writeFileSync(
        path.join(this.config.backup.dir, 'last-successful-backup.json'),
        `${JSON.stringify({ file: manifest.file, completedAt: new Date().toISOString() })}\n`,
      );
      return { file, manifest };
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** The newest backup, for `verify` without a file. */
  newest(): string {
    const newest = this.list()[0];
    if (!newest)
      throw new BackupError(`There is no backup in ${this.config.backup.dir}. Run medisys backup create.`);
    return newest.path;
  }

  /** Checksum, then a full decryption into `pg_restore --list`: proves the file is whole and readable. */
  async verify(file: string, options: BackupOptions & { deep?: boolean }): Promise<string[]> {
    const findings: string[] = [];
    await this.checkIntegrity(file, options, findings);
    if (options.deep) {
      const scratch = `medisys_verify_${randomBytes(4).toString('hex')}`;
      try {
        findings.push(
          ...(await this.restore(file, scratch, { ...options, force: false, checkedAlready: true })),
        );
      } finally {
        await this.dropDatabase(scratch);
      }
    }
    return findings;
  }

  private async checkIntegrity(file: string, options: BackupOptions, findings: string[]): Promise<void> {
    const passphraseFile = this.passphraseFile();
    try {
      statSync(file);
    } catch {
      throw new BackupError(`${file} does not exist.`);
    }
    const recorded = recordedChecksum(file);
    if (recorded) {
      const actual = await sha256OfFile(file);
      if (actual !== recorded) {
        throw new BackupError(
          `${path.basename(file)} is corrupted or truncated: its sha256 does not match ${path.basename(checksumPath(file))}. Use another backup.`,
        );
      }
      findings.push('sha256 matches');
    } else {
      findings.push(`no ${path.basename(checksumPath(file))}: checksum not checked`);
    }
    const gpg = decrypt(passphraseFile, options.env);
    const list = runTool('pg_restore', ['--list'], options.env ?? process.env);
    list.child.stdout!.resume();
    try {
      await Promise.all([
        pipeline(createReadStream(file), counting(options.onProgress), gpg.child.stdin!),
        // pg_restore --list stops after the table of contents; gpg must still decrypt to the end,
        // where its integrity check catches corruption and truncation.
        feedUntilClosed(gpg.child.stdout!, list.child.stdin!),
        gpg.done,
        list.done,
      ]);
    } catch (error) {
      throw new BackupError(
        `${path.basename(file)} cannot be decrypted and read: ${(error as Error).message}. Use another backup.`,
      );
    }
    findings.push('decrypts and reads as a pg_dump archive');
  }

  /**
   * Restores into `target` (a database name on the configured server, created when missing). The file
   * is checked whole before anything is written, and the restore is one transaction, so a bad file
   * leaves the target untouched. Row counts are compared with the manifest afterwards.
   */
  async restore(
    file: string,
    target: string,
    options: BackupOptions & { force: boolean; checkedAlready?: boolean },
  ): Promise<string[]> {
    const url = this.databaseUrl();
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(target)) {
      throw new BackupError(`"${target}" is not a database name (letters, digits, underscore).`);
    }
    const findings: string[] = [];
    if (!options.checkedAlready) await this.checkIntegrity(file, options, findings);
    const targetUrl = withDatabase(url, target);
    await this.ensureDatabase(target);
    const existingTables = await this.tableCount(targetUrl);
    if (existingTables > 0 && !options.force) {
      throw new BackupError(
        `Database ${target} is not empty (${existingTables} tables). Restore into a new database, or add --force to replace its contents.`,
      );
    }
    const gpg = decrypt(this.passphraseFile(), options.env);
    const restoreArgs = ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges'];
    if (existingTables > 0) restoreArgs.push('--clean', '--if-exists');
    const restore = runTool(
      'pg_restore',
      [...restoreArgs, '--dbname', target],
      libpqEnvironment(targetUrl, options.env),
    );
    restore.child.stdout!.resume();
    try {
      await Promise.all([
        pipeline(createReadStream(file), counting(options.onProgress), gpg.child.stdin!),
        pipeline(gpg.child.stdout!, new PassThrough(), restore.child.stdin!),
        gpg.done,
        restore.done,
      ]);
    } catch (error) {
      throw new BackupError(`Restore into ${target} failed and was rolled back: ${(error as Error).message}`);
    }
    findings.push(`restored into ${target}`);
    const manifest = readManifest(file);
    if (manifest) findings.push(...(await this.compareWithManifest(targetUrl, manifest)));
    return findings;
  }

  private async compareWithManifest(url: string, manifest: BackupManifest): Promise<string[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const snapshot = await readSnapshot(client);
      const differences = Object.entries(manifest.rowCounts)
        .filter(([table, count]) => snapshot.rowCounts[table] !== count)
        .map(
          ([table, count]) => `${table}: ${snapshot.rowCounts[table] ?? 'missing'} rows, backup had ${count}`,
        );
      if (snapshot.patientsChecksum !== manifest.patientsChecksum)
        differences.push('patients checksum differs');
      if (differences.length > 0)
        throw new BackupError(
          `The restored data differs from the backup's manifest: ${differences.join('; ')}.`,
        );
      return [
        `row counts of ${Object.keys(manifest.rowCounts).length} tables and the patients checksum match the manifest`,
      ];
    } finally {
      await client.end();
    }
  }

  /** Deletes backups (and their sidecar files) older than `keepDays`; returns the files removed. */
  prune(keepDays: number): string[] {
    const cutoff = Date.now() - keepDays * 86_400_000;
    const removed: string[] = [];
    for (const entry of this.list()) {
      if (entry.createdAt.getTime() >= cutoff) continue;
      for (const file of [entry.path, checksumPath(entry.path), manifestPath(entry.path)])
        rmSync(file, { force: true });
      removed.push(entry.file);
    }
    return removed;
  }

  private async adminQuery(sql: string): Promise<pg.QueryResult> {
    const client = new pg.Client({ connectionString: withDatabase(this.databaseUrl(), 'postgres') });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  }

  private async ensureDatabase(name: string): Promise<void> {
    const exists = await this.adminQuery(
      `SELECT 1 FROM pg_database WHERE datname = ${pg.escapeLiteral(name)}`,
    );
    if (exists.rowCount === 0) await this.adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  }

  private async dropDatabase(name: string): Promise<void> {
    await this.adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`).catch(
      () => undefined,
    );
  }

  private async tableCount(url: string): Promise<number> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const result = await client.query<{ count: string }>(
        "SELECT count(*) AS count FROM pg_tables WHERE schemaname = 'public'",
      );
      return Number(result.rows[0]!.count);
    } finally {
      await client.end();
    }
  }
}
