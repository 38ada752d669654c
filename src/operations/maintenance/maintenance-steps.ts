import { existsSync, readdirSync, rmSync, statfsSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { AppConfig } from '../../config/load.js';
import { DirectoryLockedError, EmbeddedDatabase, embeddedDataDir } from '../../db/index.js';

export type StepStatus = 'OK' | 'WARN' | 'FAIL';

/** One line of the maintenance report: what was done or found, and whether that is fine. */
export interface StepResult {
  readonly step: string;
  readonly status: StepStatus;
  readonly detail: string;
}

/** The files MediSys and logrotate leave in a log folder: name.log, name.log.1, name.log-20240101.gz. */
const LOG_FILE = /\.log([.-][\w.-]*)?$/;
/**
 * Never removed here: the log MediSys is writing now (removing it would lose what is written next),
 * and security and audit logs, which are audit evidence that logrotate keeps a year
 * (deploy/logrotate/medisys).
 */
function isProtectedLog(name: string): boolean {
  return name === 'application.log' || name.startsWith('security.log') || name.startsWith('audit.log');
}

function removeOlderThan(dir: string, cutoffMs: number, matches: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile() || !matches(entry.name)) continue;
    const file = path.join(dir, entry.name);
    if (statSync(file).mtimeMs < cutoffMs) {
      rmSync(file, { force: true });
      removed.push(entry.name);
    }
  }
  return removed;
}

function listed(names: readonly string[]): string {
  if (names.length === 0) return '';
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `: ${shown} and ${names.length - 5} more` : `: ${shown}`;
}

/**
 * The manual's `find /opt/medisys/logs -name "*.log" -mtime +7 -delete`: old application logs and
 * maintenance logs, sparing the log being written and the security and audit evidence.
 */
export function cleanOldLogs(config: AppConfig, now: Date, currentLog: string): StepResult {
  const days = config.maintenance.logRetentionDays;
  const cutoff = now.getTime() - days * 86_400_000;
  const removed = [
    ...removeOlderThan(config.logging.dir, cutoff, (name) => LOG_FILE.test(name) && !isProtectedLog(name)),
    ...removeOlderThan(
      config.maintenance.logDir,
      cutoff,
      (name) => /^daily_\d{8}\.log$/.test(name) && name !== path.basename(currentLog),
    ),
  ];
  return {
    step: 'logs',
    status: 'OK',
    detail: `removed ${removed.length} log file(s) older than ${days} days${listed(removed)}`,
  };
}

/** Uploads that never finished (the client went away, the process died) leave `.part` files behind. */
export function sweepStaleUploads(config: AppConfig, now: Date): StepResult {
  const incoming = path.join(config.uploadsDir, '.incoming');
  const ageMs = config.maintenance.staleUploadAgeMs;
  const removed = removeOlderThan(incoming, now.getTime() - ageMs, (name) => name.endsWith('.part'));
  return {
    step: 'uploads',
    status: 'OK',
    detail: `removed ${removed.length} unfinished upload(s) untouched for ${Math.round(ageMs / 60_000)} minutes or more`,
  };
}

/** The manual's `VACUUM ANALYZE`, on PostgreSQL or on the embedded database when it is free. */
export async function vacuumAnalyze(config: AppConfig): Promise<StepResult> {
  const started = performance.now();
  const took = (): string => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  if (config.datasource.url) {
    const client = new pg.Client({ connectionString: config.datasource.url });
    await client.connect();
    try {
      await client.query('VACUUM ANALYZE');
    } finally {
      await client.end().catch(() => undefined);
    }
    return { step: 'database', status: 'OK', detail: `VACUUM ANALYZE on PostgreSQL took ${took()}` };
  }
  const dataDir = embeddedDataDir(config);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    return {
      step: 'database',
      status: 'WARN',
      detail: `no embedded database in ${dataDir} yet: nothing to vacuum`,
    };
  }
  let db: EmbeddedDatabase;
  try {
    db = await EmbeddedDatabase.open({ dataDir });
  } catch (error) {
    if (!(error instanceof DirectoryLockedError)) throw error;
    // PGlite allows one process: the running server holds it, and vacuuming waits for a stop.
    return {
      step: 'database',
      status: 'WARN',
      detail:
        `VACUUM ANALYZE skipped: MediSys (pid ${error.holderPid}) is serving from the embedded database, ` +
        'which allows one process at a time. It runs when maintenance finds MediSys stopped; production belongs on PostgreSQL.',
    };
  }
  try {
    await db.query('VACUUM ANALYZE');
  } finally {
    await db.close();
  }
  return { step: 'database', status: 'OK', detail: `VACUUM ANALYZE on the embedded database took ${took()}` };
}

/** The nearest folder of `dir` that exists (a folder not created yet lives on its parent's file system). */
function existing(dir: string): string {
  let current = dir;
  while (!existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  return current;
}

function gibibytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** The manual's `df -h`, with a verdict: each file system MediSys writes to against the threshold. */
export function checkDiskSpace(config: AppConfig): StepResult[] {
  const threshold = config.maintenance.diskFreeThresholdPercent;
  const seen = new Map<number, string[]>();
  for (const [role, dir] of [
    ['data', config.dataDir],
    ['logs', config.logging.dir],
    ['backups', config.backup.dir],
    ['uploads', config.uploadsDir],
  ] as const) {
    const device = statSync(existing(dir)).dev;
    seen.set(device, [...(seen.get(device) ?? []), `${role} ${dir}`]);
  }
  return [...seen.values()].map((uses) => {
    const dir = existing(uses[0]!.slice(uses[0]!.indexOf(' ') + 1));
    const stats = statfsSync(dir);
    const total = stats.blocks * stats.bsize;
    const free = stats.bavail * stats.bsize;
    const percent = total > 0 ? (free / total) * 100 : 0;
    const low = percent < threshold;
    return {
      step: 'disk',
      status: low ? 'FAIL' : 'OK',
      detail:
        `${gibibytes(free)} free of ${gibibytes(total)} (${percent.toFixed(0)}%) for ${uses.join(', ')}; ` +
        `threshold ${threshold}%${low ? ': free space now, before writes start failing' : ''}`,
    };
  });
}

/** The manual's `curl -f http://localhost:8081/actuator/health`, for every management URL given. */
export async function checkHealth(urls: readonly string[]): Promise<StepResult[]> {
  return Promise.all(
    urls.map(async (base): Promise<StepResult> => {
      try {
        const response = await fetch(`${base}/actuator/health`, { signal: AbortSignal.timeout(10_000) });
        const report = (await response.json()) as {
          status?: string;
          components?: Record<string, { status: string }>;
        };
        const down = Object.entries(report.components ?? {})
          .filter(([, component]) => component.status !== 'UP')
          .map(([name, component]) => `${name} ${component.status}`);
        const up = response.ok && report.status === 'UP';
        return {
          step: 'health',
          status: up ? 'OK' : 'FAIL',
          detail: `${base}/actuator/health: ${report.status ?? response.status}${down.length > 0 ? ` (${down.join(', ')})` : ''}`,
        };
      } catch (error) {
        return {
          step: 'health',
          status: 'FAIL',
          detail: `${base}/actuator/health did not answer (${(error as Error).message}): is MediSys running? Use --skip-health when it is stopped on purpose.`,
        };
      }
    }),
  );
}
