import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BackupError } from './backup-error.js';

/**
 * How the database was dumped: `pg_dump -Fc` of PostgreSQL (restored with pg_restore), or the plain
 * SQL that PGlite's pg_dump writes for the embedded database (restored with psql).
 */
export type BackupFormat = 'pg_dump-custom' | 'pg_dump-plain-sql';

/** The encrypted archive of configuration, logs, uploads and keys that `backup create --app` adds. */
export interface ApplicationArchive {
  readonly file: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  /** Each part (config, logs, uploads, keys) and the folder or file it was taken from. */
  readonly parts: Record<string, string>;
}

/** What a backup holds, written beside it so verify and restore can check the result. */
export interface BackupManifest {
  readonly format: BackupFormat;
  /** `postgresql` (datasource.url) or `embedded` (PGlite under data.dir). */
  readonly source?: 'postgresql' | 'embedded';
  /** server_version of the database that was dumped. */
  readonly serverVersion?: string;
  readonly file: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly medisysVersion: string;
  readonly schemaVersion: number;
  readonly database: string;
  readonly rowCounts: Record<string, number>;
  /** md5 over every patient's id and version, in id order: a cheap check that patients came back whole. */
  readonly patientsChecksum: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly application?: ApplicationArchive;
}

export interface BackupEntry {
  readonly file: string;
  readonly path: string;
  readonly sizeBytes: number;
  readonly createdAt: Date;
  readonly manifest: BackupManifest | undefined;
  readonly hasChecksum: boolean;
  readonly hasApplicationArchive: boolean;
}

const NAME = /^medisys_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})\.dump\.gpg$/;

/** `medisys_YYYYMMDD_HHMMSS` in UTC, the manual's naming. */
export function backupBaseName(at: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return (
    `medisys_${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}_` +
    `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`
  );
}

export function createdAtOf(file: string): Date | undefined {
  const match = NAME.exec(path.basename(file));
  if (!match) return undefined;
  const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = match.slice(1).map(Number);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

export function manifestPath(backupFile: string): string {
  return backupFile.replace(/\.dump\.gpg$/, '.manifest.json');
}

export function checksumPath(backupFile: string): string {
  return `${backupFile}.sha256`;
}

/** The `--app` archive that belongs to a database backup: same time stamp, `.app.tar.gz.gpg`. */
export function applicationArchivePath(backupFile: string): string {
  return backupFile.replace(/\.dump\.gpg$/, '.app.tar.gz.gpg');
}

/** Every file that belongs to a backup (dump, checksums, manifest, application archive). */
export function backupFamily(backupFile: string): string[] {
  const application = applicationArchivePath(backupFile);
  return [
    backupFile,
    checksumPath(backupFile),
    manifestPath(backupFile),
    application,
    checksumPath(application),
  ];
}

export function readManifest(backupFile: string): BackupManifest | undefined {
  const file = manifestPath(backupFile);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BackupManifest) : undefined;
}

/** Backups in `directory`, newest first. */
export function listBackups(directory: string): BackupEntry[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((file) => NAME.test(file))
    .map((file) => {
      const fullPath = path.join(directory, file);
      return {
        file,
        path: fullPath,
        sizeBytes: statSync(fullPath).size,
        createdAt: createdAtOf(file)!,
        manifest: readManifest(fullPath),
        hasChecksum: existsSync(checksumPath(fullPath)),
        hasApplicationArchive: existsSync(applicationArchivePath(fullPath)),
      };
    })
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The hash recorded in `FILE.sha256` (sha256sum's format), if present. */
export function recordedChecksum(backupFile: string): string | undefined {
  const file = checksumPath(backupFile);
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8').trim().split(/\s+/)[0];
}

/** When the last successful backup into `directory` finished, from the marker `backup create` writes. */
export function lastSuccessfulBackup(directory: string): Date | undefined {
  try {
    const marker = JSON.parse(readFileSync(path.join(directory, 'last-successful-backup.json'), 'utf8')) as {
      completedAt?: string;
    };
    const at = marker.completedAt ? new Date(marker.completedAt) : undefined;
    return at && Number.isFinite(at.getTime()) ? at : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Compares `file` with its `.sha256`. Returns a finding; throws when they differ, since a damaged
 * file must never be decrypted into a database.
 */
export async function checkRecordedChecksum(file: string): Promise<string> {
  const recorded = recordedChecksum(file);
  if (!recorded) return `no ${path.basename(checksumPath(file))}: checksum not checked`;
  if ((await sha256OfFile(file)) !== recorded) {
    throw new BackupError(
      `${path.basename(file)} is corrupted or truncated: its sha256 does not match ${path.basename(checksumPath(file))}. Use another backup.`,
    );
  }
  return `sha256 matches (${path.basename(file)})`;
}
