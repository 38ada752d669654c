import type { AddressInfo } from 'node:net';
import type { AppConfig } from '../config/load.js';
import { assertConsistent, migrate, migrationStatus, openDatabase, type Database } from '../db/index.js';
import { generatedKeyNotice, openFieldCipher } from '../modules/security/index.js';
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
  let built: MediSysApp | undefined;
  try {
    db = await openDatabase(config, (error) =>
      loggers.app.warn({ err: { message: error.message } }, 'database connection error'),
    );
    await prepareSchema(db, options, loggers);
    const keys = openFieldCipher(config);
    if (keys.generated) generatedKeyNotice(keys.generated).forEach((line) => options.print(line));
    const app = await buildApp(config, { db, loggers, fieldCipher: keys.cipher });
    built = app;
    await prepareEncryptedFields(app, loggers);
    await bootstrapAdmin(app, config, options.print);
    await app.api.listen({ port: config.server.port, host: config.server.address });
    await app.management.listen({ port: config.management.port, host: config.management.address });
    const apiUrl = urlOf(
      app.api.server.address(),
      config.server.address,
      config.server.ssl ? 'https' : 'http',
    );
    const managementUrl = urlOf(app.management.server.address(), config.management.address, 'http');
    app.services.auditSealer.start(config.security.audit.sealIntervalMs);
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
          await sealBeforeExit(app, loggers);
          await openDb.close();
          loggers.app.info('MediSys stopped');
          await loggers.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    // The app's own resources (replica pool and monitor, cache connections) stop before the logs close.
    await built?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await loggers.close();
    throw error;
  }
}

function urlOf(address: string | AddressInfo | null, host: string, scheme: 'http' | 'https'): string {
  const port = typeof address === 'object' && address ? address.port : 0;
  const shownHost =
    host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${shownHost}:${port}`;
}

/**
 * Refuses a key file that lacks a key the database uses, then encrypts any plaintext identifiers left
 * by migration 0017 (a no-op once done), before the first request can read them.
 */
async function prepareEncryptedFields(app: MediSysApp, loggers: Loggers): Promise<void> {
  const encryption = app.services.fieldEncryption;
  await encryption.checkKeyFile();
  const result = await encryption.encryptPlaintext({
    onProgress: (progress) => loggers.app.info({ ...progress }, 'encrypting stored identifiers'),
  });
  if (result.reencrypted > 0) loggers.app.info({ encrypted: result.reencrypted }, 'identifiers encrypted');
  if (result.conflicts.length > 0) {
    loggers.app.warn(
      { conflicts: result.conflicts },
      'some policy numbers stay unencrypted: they equal another of the same payer and patient; correct them and run `medisys security rotate-key`',
    );
  }
}

/** How long shutdown waits for the last sealing pass (a database that is down must not hold it up). */
const FINAL_SEAL_TIMEOUT_MS = 5000;

/** Requests are over: seal what they audited, so a restart leaves no unsealed tail behind. */
async function sealBeforeExit(app: MediSysApp, loggers: Loggers): Promise<void> {
  const sealer = app.services.auditSealer;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, FINAL_SEAL_TIMEOUT_MS);
  });
  const sealing = sealer
    .stop()
    .then(() => sealer.sealPending())
    .then(() => undefined)
    .catch((error: unknown) =>
      loggers.app.warn({ err: { message: (error as Error).message } }, 'final audit sealing failed'),
    );
  await Promise.race([sealing, timeout]);
  clearTimeout(timer);
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
