import type { AddressInfo } from 'node:net';
import type { AppConfig } from '../config/load.js';
import { assertConsistent, migrate, migrationStatus, openDatabase, type Database } from '../db/index.js';
import { createLoggers, type Loggers } from '../observability/logger.js';
import { commandLineContext } from '../shared/request-context.js';
import { buildApp, type MediSysApp } from './app.js';

export interface ServeOptions {
  /** Apply pending migrations on an external PostgreSQL before serving. */
  readonly migrate: boolean;
  /** Where to print what an operator must see once (the generated admin password). */
  readonly print: (line: string) => void;
}

export interface RunningServer {
  readonly app: MediSysApp;
  readonly db: Database;
  readonly loggers: Loggers;
  readonly apiUrl: string;
  readonly managementUrl: string;
  /** Readiness DOWN, drain, close listeners and pools. Resolves when everything is closed. */
  shutdown(reason: string): Promise<void>;
}

export class StartupError extends Error {
  override name = 'StartupError';
}

async function prepareSchema(db: Database, options: ServeOptions, loggers: Loggers): Promise<void> {
  const status = await migrationStatus(db);
  assertConsistent(status);
  if (status.pending.length === 0) return;
  if (db.kind === 'postgres' && !options.migrate) {
    throw new StartupError(
      `The database has ${status.pending.length} pending migration(s) (${status.pending.map((file) => file.fileName).join(', ')}). ` +
        'Back it up and run `medisys migrate`, or start with `medisys serve --migrate`.',
    );
  }
  const applied = await migrate(db, {
    onApply: (file) => loggers.app.info({ migration: file.fileName }, 'migration applied'),
  });
  loggers.app.info({ count: applied.length }, 'schema up to date');
}

/** Starts MediSys: database, schema, first admin, API and management listeners. */
export async function startServer(config: AppConfig, options: ServeOptions): Promise<RunningServer> {
  const loggers = createLoggers(config.logging);
  let db: Database | undefined;
  try {
    db = await openDatabase(config, (error) =>
      loggers.app.warn({ err: { message: error.message } }, 'database connection error'),
    );
    await prepareSchema(db, options, loggers);
    const app = await buildApp(config, { db, loggers });
    await bootstrapAdmin(app, config, options.print);
    await app.api.listen({ port: config.server.port, host: config.server.address });
    await app.management.listen({ port: config.management.port, host: config.management.address });
    const apiUrl = urlOf(app.api.server.address(), config.server.address);
    const managementUrl = urlOf(app.management.server.address(), config.management.address);
    loggers.app.info({ apiUrl, managementUrl, database: db.kind }, 'MediSys started');
    const openDb = db;
    let closing: Promise<void> | undefined;
    return {
      app,
      db: openDb,
      loggers,
      apiUrl,
      managementUrl,
      shutdown(reason: string): Promise<void> {
        closing ??= (async () => {
          loggers.app.info({ reason }, 'shutting down: readiness DOWN, draining');
          app.markShuttingDown();
          if (config.server.shutdownDrainDelayMs > 0) {
            await new Promise((resolve) => setTimeout(resolve, config.server.shutdownDrainDelayMs));
          }
          const timer = setTimeout(() => {
            loggers.app.warn('in-flight requests did not finish in time; closing anyway');
            app.api.server.closeAllConnections();
          }, config.server.shutdownTimeoutMs);
          try {
            await app.close();
          } finally {
            clearTimeout(timer);
          }
          await openDb.close();
          loggers.app.info('MediSys stopped');
          await loggers.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    await loggers.close();
    throw error;
  }
}

function urlOf(address: string | AddressInfo | null, host: string): string {
  const port = typeof address === 'object' && address ? address.port : 0;
  const shownHost =
    host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shownHost}:${port}`;
}

/** CONTRACT §4: the first admin on an empty database; a generated password is shown once. */
async function bootstrapAdmin(
  app: MediSysApp,
  config: AppConfig,
  print: (line: string) => void,
): Promise<void> {
  const result = await app.services.users.ensureBootstrapAdmin(
    config.security.bootstrapAdminPassword,
    config.dataDir,
    commandLineContext('bootstrap'),
  );
  if (!result.created) return;
  if (result.generatedPassword) {
    print('');
    print('  MediSys created the first administrator account.');
    print('    username: admin');
    print(`    password: ${result.generatedPassword}`);
    print(`  This password is shown only now (also saved to ${result.passwordFile}, mode 0600).`);
    print('  You must change it at first sign-in.');
    print('');
  } else {
    print('MediSys created the first administrator account "admin" with security.bootstrap.admin-password.');
  }
}
