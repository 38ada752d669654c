import { userInfo } from 'node:os';
import type { AppConfig } from '../config/load.js';
import { assertConsistent, migrationStatus, openDatabase, type Database } from '../db/index.js';
import { createLoggers, type Loggers } from '../observability/logger.js';
import { Metrics } from '../observability/metrics.js';
import { createServices, type AppServices } from '../server/app.js';
import { commandLineContext, type RequestContext } from '../shared/request-context.js';

export interface CommandEnvironment {
  readonly db: Database;
  readonly loggers: Loggers;
  readonly services: AppServices;
  readonly context: RequestContext;
}

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
    const services = createServices(config, { db, loggers }, metrics);
    return await work({ db, loggers, services, context: commandLineContext(operatorName()) });
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
