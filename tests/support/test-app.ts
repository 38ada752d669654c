import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type AppConfig } from '../../src/config/load.js';
import type { ConfigKey } from '../../src/config/keys.js';
import { createLoggers, type Loggers } from '../../src/observability/logger.js';
import { buildApp, type MediSysApp } from '../../src/server/app.js';
import type { Clock } from '../../src/shared/clock.js';
import { commandLineContext, type Role } from '../../src/shared/request-context.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';

export const ADMIN_PASSWORD = 'correct horse battery staple';

export interface TestApp {
  readonly app: MediSysApp;
  readonly config: AppConfig;
  readonly database: TestDatabase;
  readonly loggers: Loggers;
  readonly workDir: string;
  /** Signs in and returns the bearer token. */
  login(username: string, password: string): Promise<string>;
  /** Creates a user of `role` (password known, no forced change) and returns its token. */
  userToken(role: Role, username?: string): Promise<string>;
  adminToken(): Promise<string>;
  /** Lines of a log file (application, security, audit) written so far. */
  logLines(file: 'application' | 'security' | 'audit'): Promise<string[]>;
  close(): Promise<void>;
}

let counter = 0;

/** A full MediSys (API, services, management) on a database the test owns, with logs in a temp folder. */
export async function buildTestApp(
  kind: DatabaseKind,
  overrides: Partial<Record<ConfigKey, string>> = {},
  options: { clock?: Clock } = {},
): Promise<TestApp> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'medisys-test-'));
  const database = await createTestDatabase(kind);
  const config = loadConfig({
    env: {},
    cwd: workDir,
    overrides: {
      'server.port': '0',
      'management.port': '0',
      'logging.console': 'false',
      'logging.level': 'warn',
      'security.bootstrap.admin-password': ADMIN_PASSWORD,
      // Tests sign in wrongly on purpose (lockout) and fire bursts of requests: the throttles would
      // answer 429 by design. Their own tests (src/server/plugins/*throttl*) turn them back on.
      'security.throttle.enabled': 'false',
      // The product requires MFA of admins; tests that are not about MFA act as an admin without it
      // (the MFA tests set security.mfa.required-roles themselves).
      'security.mfa.required-roles': '',
      ...overrides,
    },
  });
  // Written synchronously, so that logLines reads every line a request has caused.
  const loggers = createLoggers({ ...config.logging, sync: true });
  const app = await buildApp(config, { db: database.db, loggers, clock: options.clock });
  await app.services.users.ensureBootstrapAdmin(ADMIN_PASSWORD, config.dataDir, commandLineContext('test'));

  const login = async (username: string, password: string): Promise<string> => {
    const response = await app.api.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password },
    });
    if (response.statusCode !== 200)
      throw new Error(`login ${username} failed: ${response.statusCode} ${response.body}`);
    return response.json<{ token: string }>().token;
  };
  const userToken = async (
    role: Role,
    username = `${role.replace('_', '-')}${++counter}`,
  ): Promise<string> => {
    const password = `a fine long password ${counter}`;
    await app.services.users.create({ username, password, role }, commandLineContext('test'));
    return login(username, password);
  };
  return {
    app,
    config,
    database,
    loggers,
    workDir,
    login,
    userToken,
    adminToken: () => login('admin', ADMIN_PASSWORD),
    async logLines(file): Promise<string[]> {
      // Lines written after the response (onResponse hooks) have had their turn.
      await new Promise((resolve) => setTimeout(resolve, 50));
      try {
        return readFileSync(path.join(config.logging.dir, `${file}.log`), 'utf8')
          .split('\n')
          .filter(Boolean);
      } catch {
        return [];
      }
    },
    async close(): Promise<void> {
      await app.close();
      await database.close();
      await loggers.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
