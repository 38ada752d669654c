import { parseArgs } from 'node:util';
import type { AppConfig } from '../../config/load.js';
import { runDailyMaintenance } from '../../operations/maintenance/daily-maintenance.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Output } from '../io.js';

const USAGE = `Usage:
  medisys maintenance daily [--skip-health]
      the manual's daily script: removes logs older than maintenance.log-retention-days and unfinished
      uploads older than maintenance.stale-upload-age, runs VACUUM ANALYZE, checks free disk space against
      maintenance.disk-free-threshold-percent and asks /actuator/health (MEDISYS_MANAGEMENT_URL, or
      management.address:management.port; --skip-health when MediSys is stopped on purpose).
      Writes <maintenance.log-dir>/daily_YYYYMMDD.log; exit 1 when any step failed.`;

/** Management URLs from MEDISYS_MANAGEMENT_URL (several, space- or comma-separated) or the configuration. */
function managementUrls(config: AppConfig, env: Readonly<Record<string, string | undefined>>): string[] {
  const fromEnv = env['MEDISYS_MANAGEMENT_URL'];
  if (fromEnv) return fromEnv.split(/[\s,]+/).filter((url) => url !== '');
  const host = config.management.address === '0.0.0.0' ? '127.0.0.1' : config.management.address;
  return [`http://${host.includes(':') ? `[${host}]` : host}:${config.management.port}`];
}

export async function maintenanceCommand(
  args: string[],
  config: AppConfig,
  env: Readonly<Record<string, string | undefined>>,
  output: Output,
): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'daily')
    throw new UsageError(action ? `Unknown maintenance task "${action}".\n${USAGE}` : USAGE);
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: { 'skip-health': { type: 'boolean', default: false } },
  });
  const report = await runDailyMaintenance(config, {
    healthUrls: values['skip-health'] ? [] : managementUrls(config, env),
    onLine: (line) => output.out(line),
  });
  if (report.failed) {
    const failures = report.results.filter((result) => result.status === 'FAIL').map((result) => result.step);
    output.err(
      `Daily maintenance found problems (${[...new Set(failures)].join(', ')}): see the [FAIL] lines above and ${report.logFile}.`,
    );
    return EXIT_FAILURE;
  }
  output.out(`Log: ${report.logFile}`);
  return EXIT_OK;
}
