import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, servicesRequired } from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import type { ConfigKey } from '../../config/keys.js';
import { PostgresThrottleStore, SignInThrottle } from '../../modules/throttling/index.js';
import { clearSoftLockout } from '../../modules/users/index.js';
import type { Loggers } from '../../observability/logger.js';
import { commandLineContext } from '../../shared/request-context.js';

const REDIS_URL = process.env['MEDISYS_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000 });
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch (error) {
    if (servicesRequired)
      throw new Error(
        `MEDISYS_REQUIRE_SERVICES=1 but Redis at ${REDIS_URL} is unreachable: ${String(error)}`,
      );
    return false;
  } finally {
    client.disconnect();
  }
}

const STORES = [
  ...DATABASE_KINDS.map((kind) => ({ name: `PostgreSQL (${kind})`, kind, redis: false })),
  ...((await redisReachable()) ? [{ name: 'Redis', kind: 'embedded' as const, redis: true }] : []),
];

let sequence = 0;
/** Addresses and names unique to this run: a shared Redis may hold counters of other runs. */
const run = Math.floor(Math.random() * 200) + 20;
const nextAddress = (): string => `10.${run}.${Math.floor(sequence / 250)}.${(sequence++ % 250) + 1}`;
const nextName = (prefix: string): string => `${prefix}${run}x${sequence++}`;
const PASSWORD = 'a perfectly fine passphrase';

function throttled(overrides: Partial<Record<ConfigKey, string>> = {}): Partial<Record<ConfigKey, string>> {
  return { 'security.throttle.enabled': 'true', 'server.trust-proxy': '127.0.0.1', ...overrides };
}

async function createUser(t: TestApp, username: string): Promise<string> {
  const user = await t.app.services.users.create(
    { username, password: PASSWORD, role: 'staff' },
    commandLineContext('test'),
  );
  return user.id;
}

function login(t: TestApp, username: string, password: string, address?: string) {
  return t.app.api.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
    headers: address ? { 'x-forwarded-for': address } : {},
  });
}

async function bruteForceLines(t: TestApp): Promise<Record<string, unknown>[]> {
  return (await t.logLines('security'))
    .filter((line) => /\bBRUTE_FORCE\b/.test(line))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function throttledCount(t: TestApp, scope: string): Promise<number> {
  const metric = await t.app.metrics.throttledRequests.get();
  return metric.values.find((value) => value.labels['scope'] === scope)?.value ?? 0;
}

describe.each(STORES)('sign-in throttle with the $name store', ({ kind, redis }) => {
  let t: TestApp;
  beforeAll(async () => {
    // A generous command timeout: on a loaded machine a slow answer would fail over to PostgreSQL
    // mid-test (documented behaviour that restarts the window), which is tested on its own elsewhere.
    t = await buildTestApp(
      kind,
      // Its own key prefix: the names below repeat across runs, and a shared Redis keeps an earlier
      // run's counters (and its "already reported" marks) for the rest of their window.
      throttled(
        redis
          ? {
              'redis.url': REDIS_URL,
              'redis.command-timeout': '5s',
              'cache.key-prefix': `medisys-test-${randomUUID()}:`,
            }
          : {},
      ),
    );
  });
  afterAll(async () => t?.close());

  it('lets no one fail 100 times at one account from one address: 429 comes first, and BRUTE_FORCE is written', async () => {
    const username = nextName('nurse');
    await createUser(t, username);
    const address = nextAddress();
    const statuses: number[] = [];
    let firstRefusal: Awaited<ReturnType<typeof login>> | undefined;
    for (let attempt = 1; attempt <= 100; attempt++) {
      const response = await login(t, username, `wrong guess number ${attempt}`, address);
      statuses.push(response.statusCode);
      if (response.statusCode === 429) firstRefusal ??= response;
    }
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4).every((status) => status === 429)).toBe(true);
    expect(firstRefusal?.headers['content-type']).toContain('application/problem+json');
    expect(firstRefusal?.json()).toMatchObject({ status: 429, title: 'Too many requests' });
    const retryAfter = Number(firstRefusal?.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    const lines = (await bruteForceLines(t)).filter((line) => line['username'] === username);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      event: 'BRUTE_FORCE',
      pattern: 'repeated-failures',
      clientAddress: address,
    });
    const security = (await t.logLines('security')).join('\n');
    expect(security).not.toContain('wrong guess number');
    expect(await throttledCount(t, 'login-account')).toBeGreaterThanOrEqual(96);

    // The guesses never reached the lockout: the nurse signs in at another workstation at once.
    expect((await login(t, username, PASSWORD, nextAddress())).statusCode).toBe(200);
  });

  it('keeps a ward signing in while an attacker on its shared address sprays passwords', async () => {
    const ward = nextAddress();
    const nurse = nextName('nurse');
    const colleague = nextName('colleague');
    await createUser(t, nurse);
    await createUser(t, colleague);
    expect((await login(t, nurse, PASSWORD, ward)).statusCode).toBe(200);

    const statuses: number[] = [];
    for (let target = 0; target < 30; target++) {
      statuses.push((await login(t, nextName('target'), 'Summer2024!', ward)).statusCode);
    }
    expect(statuses.slice(0, 20).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(20).every((status) => status === 429)).toBe(true);

    // The nurse signed in on this ward before: still welcome. The colleague new here waits, or moves.
    expect((await login(t, nurse, PASSWORD, ward)).statusCode).toBe(200);
    expect((await login(t, colleague, PASSWORD, ward)).statusCode).toBe(429);
    expect((await login(t, colleague, PASSWORD, nextAddress())).statusCode).toBe(200);

    const patterns = (await bruteForceLines(t))
      .filter((line) => line['clientAddress'] === ward)
      .map((line) => line['pattern']);
    expect(patterns).toContain('many-accounts');
    expect(patterns).toContain('many-failures-from-address');
  });

  it('locks an account failing from many addresses (a soft lock), which a second factor or an admin lifts', async () => {
    const username = nextName('doctor');
    const userId = await createUser(t, username);
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect((await login(t, username, `guess ${attempt}`, nextAddress())).statusCode).toBe(401);
    }
    // Detection runs after the response is sent: wait for the fifth failure's line before the next
    // attempt, whose own (sixth) address could otherwise be counted in it.
    const linesOf = async () => (await bruteForceLines(t)).filter((line) => line['username'] === username);
    for (let waited = 0; (await linesOf()).length === 0 && waited < 5000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const lines = await linesOf();
    expect(lines.map((line) => line['pattern'])).toEqual(['many-addresses']);
    expect(lines[0]).toMatchObject({ distinctAddresses: 5 });
    expect((await login(t, username, PASSWORD, nextAddress())).statusCode).toBe(423);

    // What a successful MFA sign-in calls: the failures' lock goes, an administrator's stays.
    expect(await clearSoftLockout(t.database.db, userId)).toBe(true);
    expect((await login(t, username, PASSWORD, nextAddress())).statusCode).toBe(200);
    await t.app.services.users.lock(userId, commandLineContext('test'));
    expect(await clearSoftLockout(t.database.db, userId)).toBe(false);
    expect((await login(t, username, PASSWORD, nextAddress())).statusCode).toBe(423);
    await t.app.services.users.unlock(userId, commandLineContext('test'));
    expect((await login(t, username, PASSWORD, nextAddress())).statusCode).toBe(200);
  });

  it('starts counting afresh after a successful sign-in', async () => {
    const username = nextName('clerk');
    await createUser(t, username);
    const address = nextAddress();
    for (let attempt = 1; attempt <= 3; attempt++) await login(t, username, `typo ${attempt}`, address);
    expect((await login(t, username, PASSWORD, address)).statusCode).toBe(200);
    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      statuses.push((await login(t, username, `typo again ${attempt}`, address)).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });
});

describe('X-Forwarded-For', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp('embedded', { 'security.throttle.enabled': 'true' });
  });
  afterAll(async () => t?.close());

  it('is ignored unless the peer is a configured proxy, so spoofing it does not escape the throttle', async () => {
    const username = nextName('porter');
    await createUser(t, username);
    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      statuses.push((await login(t, username, `spoofed ${attempt}`, nextAddress())).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });
});

describe('the sign-in throttle over a simulated hour', () => {
  it('lets an attacker who retries every 20 seconds fail at most 4 times per 15-minute window', async () => {
    const database = await createTestDatabase('embedded');
    try {
      let now = Date.UTC(2030, 5, 1, 8, 7, 0);
      const quiet = { security: () => undefined } as unknown as Loggers;
      const limits = {
        throttle: {
          enabled: true,
          login: { windowMs: 15 * 60_000, perAccount: 4, perAddress: 20 },
          api: { windowMs: 60_000, perUser: 0, perAddress: 0 },
        },
        bruteForce: { windowMs: 3_600_000, accountsPerAddress: 5, addressesPerAccount: 5 },
      };
      const throttle = new SignInThrottle(
        new PostgresThrottleStore(database.db),
        limits,
        quiet,
        { onThrottled: () => undefined, onBruteForce: () => undefined },
        () => now,
      );
      let failures = 0;
      for (let step = 0; step < 180; step++) {
        const decision = await throttle.begin({
          account: 'victim',
          clientAddress: '10.0.0.1',
          requestId: `r${step}`,
        });
        if (decision.allowed) {
          failures++;
          await throttle.settle(decision.ticket, 'failed');
        }
        now += 20_000;
      }
      // An hour touches at most five fixed 15-minute windows: never more than 20 failures, far from 100.
      expect(failures).toBeGreaterThan(0);
      expect(failures).toBeLessThanOrEqual(20);
    } finally {
      await database.close();
    }
  });
});
