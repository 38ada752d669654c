import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { openDatabase } from '../../src/db/index.js';
import { createLoggers } from '../../src/observability/logger.js';
import { buildApp, type MediSysApp } from '../../src/server/app.js';
import { ensureBenchKeyFile } from './key-file.js';

export interface InProcessMediSys {
  readonly app: MediSysApp;
  close(): Promise<void>;
}

/**
 * MediSys built in this process on the bench database, to record the exact SQL a route runs (B2, B3)
 * and the database time of each search shape. Never used to measure throughput.
 */
export async function openInProcess(databaseUrl: string): Promise<InProcessMediSys> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'medisys-bench-inprocess-'));
  const config = loadConfig({
    env: {},
    cwd: workDir,
    overrides: {
      'datasource.url': databaseUrl,
      'server.port': '0',
      'management.port': '0',
      'logging.console': 'false',
      'logging.level': 'warn',
      'security.encryption.key-file': ensureBenchKeyFile(),
      // Each run signs in once here, as the same bench user: runs in quick succession (a scenario at a
      // time with --only) would otherwise reach the per-account sign-in limit and stop.
      'security.throttle.enabled': 'false',
    },
  });
  const loggers = createLoggers(config.logging);
  const db = await openDatabase(config, () => undefined);
  const app = await buildApp(config, { db, loggers });
  return {
    app,
    async close(): Promise<void> {
      await app.close();
      await db.close();
      await loggers.close();
    },
  };
}
