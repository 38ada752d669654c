import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../../config/load.js';
import {
  checkDiskSpace,
  checkHealth,
  cleanOldLogs,
  sweepStaleUploads,
  vacuumAnalyze,
  type StepResult,
} from './maintenance-steps.js';

export type { StepResult, StepStatus } from './maintenance-steps.js';

export interface DailyMaintenanceOptions {
  /** Management base URLs to ask for health; empty skips the health check. */
  readonly healthUrls: readonly string[];
  /** Called with each line as it is written to the log, for the terminal. */
  readonly onLine?: (line: string) => void;
  readonly now?: Date;
}

export interface DailyMaintenanceReport {
  readonly results: readonly StepResult[];
  readonly logFile: string;
  readonly failed: boolean;
}

function localDate(at: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}`;
}

/**
 * The manual's daily maintenance script: old logs removed, VACUUM ANALYZE, disk space, health, plus
 * the sweep of unfinished uploads. Every step runs even when one before it failed, each writes a line
 * to `<maintenance.log-dir>/daily_YYYYMMDD.log`, and the report says whether any failed.
 */
export async function runDailyMaintenance(
  config: AppConfig,
  options: DailyMaintenanceOptions,
): Promise<DailyMaintenanceReport> {
  const now = options.now ?? new Date();
  const logFile = path.join(config.maintenance.logDir, `daily_${localDate(now)}.log`);
  const write = (line: string): void => {
    appendFileSync(logFile, `${line}\n`);
    options.onLine?.(line);
  };
  try {
    mkdirSync(config.maintenance.logDir, { recursive: true });
    write(`Starting daily maintenance - ${new Date().toString()}`);
  } catch (error) {
    throw new Error(
      `cannot write ${logFile} (${(error as Error).message}): create ${config.maintenance.logDir} writable by the user running maintenance, or set maintenance.log-dir`,
    );
  }
  const results: StepResult[] = [];
  const attempt = async (step: string, work: () => Promise<StepResult[]> | StepResult[]): Promise<void> => {
    let outcome: StepResult[];
    try {
      outcome = await work();
    } catch (error) {
      outcome = [{ step, status: 'FAIL', detail: (error as Error).message }];
    }
    for (const result of outcome) {
      results.push(result);
      write(`[${result.status}] ${result.step}: ${result.detail}`);
    }
  };
  await attempt('logs', () => [cleanOldLogs(config, now, logFile)]);
  await attempt('uploads', () => [sweepStaleUploads(config, now)]);
  await attempt('database', async () => [await vacuumAnalyze(config)]);
  await attempt('disk', () => checkDiskSpace(config));
  if (options.healthUrls.length > 0) await attempt('health', () => checkHealth(options.healthUrls));
  else write('[WARN] health: skipped (--skip-health)');
  const count = (status: StepResult['status']): number => results.filter((r) => r.status === status).length;
  const failed = count('FAIL') > 0;
  write(
    `Daily maintenance ${failed ? 'FAILED' : 'completed'} - ${new Date().toString()}: ` +
      `${count('OK')} ok, ${count('WARN')} warning(s), ${count('FAIL')} failure(s)`,
  );
  return { results, logFile, failed };
}
