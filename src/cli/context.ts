import { userInfo } from 'node:os';
import type { AppConfig } from '../config/load.js';
import { assertConsistent, migrationStatus, openDatabase, type Database } from '../db/index.js';
import { createLoggers, type Loggers } from '../observability/logger.js';
import { Metrics } from '../observability/metrics.js';
import { openCache } from '../cache/index.js';
import { generatedKeyNotice, lazyFieldCipher } from '../modules/security/index.js';
import { createServices, type AppServices } from '../server/app.js';
import { VERSION } from '../server/version.js';
import { commandLineContext, type RequestContext } from '../shared/request-context.js';
import { processOutput } from './io.js';

export interface CommandEnvironment {
  readonly db: Database;
  readonly loggers: Loggers;
  readonly services: AppServices;
  readonly context: RequestContext;
}

const CACHE_CONNECT_TIMEOUT_MS = 2_000;

/** Opens what a command needs (database on an up-to-date schema, services) and closes it afterwards. */
export async function withServices<T>(
  config: AppConfig,
  work: (environment: CommandEnvironment) => Promise<T>,
): Promise<T> {
  const loggers = createLoggers({ ...config.logging, console: false });
  const db = await openDatabase(config);
  try {
    const status = await migrationStatus(db);
    assertConsistent(status);
    if (status.pending.length > 0) {
      throw new Error(
        `The database has ${status.pending.length} pending migration(s). Run \`medisys migrate\` first.`,
      );
    }
    const metrics = new Metrics({
      poolStatistics: () => db.statistics(),
      connectionFailures: () => db.connectionFailures(),
    });
    // With Redis configured, changes made by a command (seed demo, ...) drop the entries the running
    // instances cached; without it each instance's in-process entries live out their TTL.
    const cache = openCache(config, { metrics, logger: loggers.app, entryVersion: VERSION });
    try {
      await cache.whenReady(CACHE_CONNECT_TIMEOUT_MS);
      // Keys are read only by a command that encrypts or decrypts (rotate-key checks them against the
      // database first); `users`, `access-review` and `audit verify` need none.
      const fieldCipher = lazyFieldCipher(config, (generated) =>
        generatedKeyNotice(generated).forEach((line) => processOutput.err(line)),
      );
      const services = createServices(config, { db, loggers, cache: cache.reads, fieldCipher }, metrics);
      return await work({ db, loggers, services, context: commandLineContext(operatorName()) });
    } finally {
      await cache.close();
    }
  } finally {
    await db.close();
    await loggers.close();
  }
}

function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'operator';
  }
}
