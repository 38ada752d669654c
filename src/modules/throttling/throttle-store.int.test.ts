import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  DATABASE_KINDS,
  servicesRequired,
  type TestDatabase,
} from '../../../tests/support/databases.js';
import { freePort } from '../../../tests/support/scratch-cluster.js';
import { FailoverThrottleStore } from './failover-throttle-store.js';
import { PostgresThrottleStore } from './postgres-throttle-store.js';
import { RedisThrottleStore } from './redis-throttle-store.js';
import type { ThrottleStore } from './throttle-store.js';

const REDIS_URL = process.env['MEDISYS_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000 });
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (error) {
    if (servicesRequired) {
      throw new Error(
        `MEDISYS_REQUIRE_SERVICES=1 but Redis at ${REDIS_URL} is unreachable: ${(error as Error).message}`,
      );
    }
    return false;
  } finally {
    client.disconnect();
  }
}

const REDIS_AVAILABLE = await redisReachable();
const MINUTE = 60_000;
/** A window far from any real one, so runs sharing a Redis never meet each other's keys. */
const T0 = Date.UTC(2031, 0, 1) + Math.floor(Math.random() * 1_000_000) * MINUTE;
const unique = (name: string): string => `${name}-${Math.random().toString(36).slice(2)}`;

/** The behaviour every store must have: the throttles rely on exactly this. */
function storeContract(
  name: string,
  open: () => Promise<{ store: ThrottleStore; close(): Promise<void> }>,
): void {
  describe(name, () => {
    let store: ThrottleStore;
    let opened: { store: ThrottleStore; close(): Promise<void> } | undefined;
    beforeAll(async () => {
      opened = await open();
      store = opened.store;
    });
    afterAll(async () => opened?.close());

    it('counts hits per bucket and fixed window, answering in the order asked', async () => {
      const a = unique('a');
      const b = unique('b');
      expect(await store.add([{ bucket: a, windowMs: MINUTE, amount: 1 }], T0)).toEqual([1]);
      expect(
        await store.add(
          [
            { bucket: a, windowMs: MINUTE, amount: 1 },
            { bucket: b, windowMs: MINUTE, amount: 3 },
          ],
          T0 + 1000,
        ),
      ).toEqual([2, 3]);
      expect(await store.count(a, MINUTE, T0 + 59_000)).toBe(2);
      // The next window starts from zero.
      expect(await store.count(a, MINUTE, T0 + MINUTE)).toBe(0);
      expect(await store.add([{ bucket: a, windowMs: MINUTE, amount: 1 }], T0 + MINUTE)).toEqual([1]);
    });

    it('gives hits back without going below zero, and forgets a bucket on reset', async () => {
      const bucket = unique('refund');
      await store.add([{ bucket, windowMs: MINUTE, amount: 2 }], T0);
      expect(await store.add([{ bucket, windowMs: MINUTE, amount: -1 }], T0)).toEqual([1]);
      expect(await store.add([{ bucket, windowMs: MINUTE, amount: -5 }], T0)).toEqual([0]);
      await store.add([{ bucket, windowMs: MINUTE, amount: 4 }], T0);
      await store.reset(bucket, MINUTE, T0);
      expect(await store.count(bucket, MINUTE, T0)).toBe(0);
    });

    it('counts concurrent hits exactly once each', async () => {
      const bucket = unique('race');
      const counts = await Promise.all(
        Array.from({ length: 40 }, () => store.add([{ bucket, windowMs: MINUTE, amount: 1 }], T0)),
      );
      expect(counts.map(([count]) => count).sort((x, y) => x! - y!)).toEqual(
        Array.from({ length: 40 }, (_value, index) => index + 1),
      );
    });

    it('counts distinct members per window', async () => {
      const bucket = unique('members');
      expect(await store.addMember(bucket, 'x', MINUTE, T0)).toBe(1);
      expect(await store.addMember(bucket, 'x', MINUTE, T0 + 10)).toBe(1);
      expect(await store.addMember(bucket, 'y', MINUTE, T0 + 20)).toBe(2);
      expect(await store.addMember(bucket, 'y', MINUTE, T0 + MINUTE)).toBe(1);
    });

    it('keeps a mark until its time is up', async () => {
      const bucket = unique('mark');
      expect(await store.isMarked(bucket, Date.now())).toBe(false);
      await store.mark(bucket, 60_000, Date.now());
      expect(await store.isMarked(bucket, Date.now())).toBe(true);
      const short = unique('short');
      await store.mark(short, 50, Date.now());
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(await store.isMarked(short, Date.now())).toBe(false);
    });
  });
}

describe('throttle stores', () => {
  for (const kind of DATABASE_KINDS) {
    storeContract(`PostgreSQL store (${kind})`, async () => {
      const database = await createTestDatabase(kind);
      return { store: new PostgresThrottleStore(database.db), close: () => database.close() };
    });
  }
  if (REDIS_AVAILABLE) {
    storeContract('Redis store', async () => {
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
      return {
        store: new RedisThrottleStore(redis),
        close: async () => {
          redis.disconnect();
        },
      };
    });
  }

  describe('PostgreSQL housekeeping', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase('embedded');
    });
    afterAll(async () => database?.close());

    it('removes counters whose window has ended', async () => {
      const store = new PostgresThrottleStore(database.db);
      await store.add([{ bucket: 'old', windowMs: MINUTE, amount: 1 }], T0);
      await store.addMember('old-members', 'x', MINUTE, T0);
      await store.add([{ bucket: 'new', windowMs: MINUTE, amount: 1 }], T0 + 10 * MINUTE);
      const rows = await database.db.query<{ bucket: string }>(
        'SELECT bucket FROM throttle_counters UNION ALL SELECT bucket FROM throttle_members',
      );
      expect(rows.rows.map((row) => row.bucket)).toEqual(['new']);
    });
  });

  describe('Redis down', () => {
    let database: TestDatabase;
    let deadRedis: Redis;
    beforeAll(async () => {
      database = await createTestDatabase('embedded');
      deadRedis = new Redis(`redis://127.0.0.1:${await freePort()}`, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: 250,
        retryStrategy: () => 1000,
      });
      deadRedis.on('error', () => undefined);
    });
    afterAll(async () => {
      deadRedis?.disconnect();
      await database?.close();
    });

    it('counts in PostgreSQL instead, at once, and reports the failure', async () => {
      const failures: string[] = [];
      const store = new FailoverThrottleStore(
        new RedisThrottleStore(deadRedis),
        new PostgresThrottleStore(database.db),
        { onPrimaryFailure: (error) => failures.push(error.message) },
      );
      expect(await store.add([{ bucket: 'b', windowMs: MINUTE, amount: 1 }], T0)).toEqual([1]);
      expect(await store.add([{ bucket: 'b', windowMs: MINUTE, amount: 1 }], T0)).toEqual([2]);
      expect(store.kind).toBe('postgres');
      // Redis is not asked again for a while: one failure reported, not one per request.
      expect(failures).toHaveLength(1);
      const rows = await database.db.query<{ hits: number }>(
        "SELECT hits FROM throttle_counters WHERE bucket = 'b'",
      );
      expect(rows.rows[0]?.hits).toBe(2);
    });
  });
});
