import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** What a backup holds, written beside it so verify and restore can check the result. */
export interface BackupManifest {
  readonly format: 'pg_dump-custom';
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
}

export interface BackupEntry {
  readonly file: string;
  readonly path: string;
  readonly sizeBytes: number;
  readonly createdAt: Date;
  readonly manifest: BackupManifest | undefined;
  readonly hasChecksum: boolean;
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
