import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tests/support/scratch-cluster.js';
import {
  REDIS_AVAILABLE,
  REDIS_SERVER_AVAILABLE,
  REDIS_TEST_URL,
  startRedisCluster,
  type RedisClusterOfThree,
} from '../../tests/support/redis.js';
import { loadConfig } from '../config/load.js';
import type { ConfigKey } from '../config/keys.js';
import { CacheUnavailableError } from './cache.js';
import { RedisCache } from './redis-cache.js';
import { openRedis, type RedisClient } from './redis.js';

function connect(overrides: Partial<Record<ConfigKey, string>>): RedisClient {
  const config = loadConfig({ env: {}, cwd: tmpdir(), overrides });
  const client = openRedis(config, () => undefined);
  if (!client) throw new Error('no Redis configured');
  return client;
}

async function ready(client: RedisClient): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise((resolve) => client.once('ready', resolve));
}

describe.runIf(REDIS_AVAILABLE)('the Redis cache on a standalone Redis', () => {
  let client: RedisClient;
  let cache: RedisCache;
  let inspector: Redis;
  /** Every test keeps to keys of its own, so runs never see each other's. */
  const prefix = `medisys-test:${randomUUID()}:`;

  beforeAll(async () => {
    client = connect({ 'redis.url': REDIS_TEST_URL });
    await ready(client);
    cache = new RedisCache(client, 250);
    inspector = new Redis(REDIS_TEST_URL);
  });
  afterAll(async () => {
    const keys = await inspector.keys(`${prefix}*`);
    if (keys.length > 0) await inspector.del(...keys);
    inspector.disconnect();
    await cache?.close();
  });

  it('stores a value with its TTL and reads it back', async () => {
    expect(cache.mode).toBe('redis');
    await cache.set(`${prefix}a`, '{"n":1}', 60_000);
    expect(await cache.get(`${prefix}a`)).toBe('{"n":1}');
    const ttl = await inspector.pttl(`${prefix}a`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await cache.get(`${prefix}missing`)).toBeUndefined();
  });

  it('deletes keys one by one', async () => {
    await cache.set(`${prefix}d1`, '1', 60_000);
    await cache.set(`${prefix}d2`, '2', 60_000);
    await cache.delete([`${prefix}d1`, `${prefix}d2`, `${prefix}never`]);
    expect(await inspector.exists(`${prefix}d1`, `${prefix}d2`)).toBe(0);
  });

  it('hands every caller the same namespace token until it is renewed', async () => {
    const namespace = `${prefix}{patient:x}`;
    const tokens = await Promise.all(
      Array.from({ length: 10 }, () => cache.namespaceToken(namespace, 60_000)),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(await inspector.get(namespace)).toBe(tokens[0]);
    await cache.renewNamespace(namespace, 60_000);
    const renewed = await cache.namespaceToken(namespace, 60_000);
    expect(renewed).not.toBe(tokens[0]);
    expect(await inspector.pttl(namespace)).toBeGreaterThan(0);
  });

  it('answers PING with its address', async () => {
    const ping = await cache.ping();
    expect(ping.nodes).toEqual([{ address: new URL(REDIS_TEST_URL).host, up: true }]);
  });
});

describe('the Redis cache when Redis is not there', () => {
  let hung: Server;
  const sockets: Socket[] = [];
  let hungPort: number;
  const clients: RedisClient[] = [];

  beforeAll(async () => {
    // Accepts connections and never answers: a Redis that hangs.
    hung = createServer((socket) => sockets.push(socket));
    hungPort = await freePort();
    await new Promise<void>((resolve) => hung.listen(hungPort, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => hung.close(resolve));
  });

  it('fails at once with CacheUnavailableError when nothing listens on the port', async () => {
    const client = connect({ 'redis.url': `redis://127.0.0.1:${await freePort()}` });
    clients.push(client);
    const cache = new RedisCache(client, 250);
    await expect(cache.get('k')).rejects.toBeInstanceOf(CacheUnavailableError);
    await expect(cache.namespaceToken('{n}', 1000)).rejects.toBeInstanceOf(CacheUnavailableError);
    await expect(cache.ping()).rejects.toThrow(/did not answer/);
  });

  it('gives up on a Redis that accepts connections but never answers', async () => {
    const client = connect({
      'redis.url': `redis://127.0.0.1:${hungPort}`,
      'redis.command-timeout': '100ms',
    });
    clients.push(client);
    const cache = new RedisCache(client, 100);
    await expect(cache.get('k')).rejects.toBeInstanceOf(CacheUnavailableError);
    await expect(cache.renewNamespace('{n}', 1000)).rejects.toBeInstanceOf(CacheUnavailableError);
  });
});

describe.runIf(REDIS_SERVER_AVAILABLE)('the Redis cache on a three-node Redis Cluster', () => {
  let cluster: RedisClusterOfThree;
  let client: RedisClient;
  let cache: RedisCache;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    client = connect({ 'redis.cluster.nodes': cluster.seeds });
    await ready(client);
    cache = new RedisCache(client, 250);
  });
  afterAll(async () => {
    await cache?.close();
    await cluster?.destroy();
  });

  it('keeps a namespace token and its entries in one slot, and deletes keys of different slots', async () => {
    expect(cache.mode).toBe('redis-cluster');
    const token = await cache.namespaceToken('t:{patient:1}', 60_000);
    await cache.set(`t:{patient:1}:${token}:record`, 'r', 60_000);
    const node = new Redis(cluster.nodes[0]!.url);
    const slots = await Promise.all(
      ['t:{patient:1}', `t:{patient:1}:${token}:record`, 't:{doctors}'].map(
        (key) => node.call('CLUSTER', 'KEYSLOT', key) as Promise<number>,
      ),
    );
    node.disconnect();
    expect(slots[0]).toBe(slots[1]);
    expect(slots[2]).not.toBe(slots[0]);
    await cache.set('t:{doctors}:x', 'd', 60_000);
    await cache.delete([`t:{patient:1}:${token}:record`, 't:{doctors}:x']);
    expect(await cache.get(`t:{patient:1}:${token}:record`)).toBeUndefined();
    expect(await cache.get('t:{doctors}:x')).toBeUndefined();
  });

  it('reports every master in PING, and the one that stopped as down', async () => {
    const up = await cache.ping();
    expect(up.nodes.map((node) => node.address).sort()).toEqual(
      cluster.nodes.map((node) => node.address).sort(),
    );
    await cluster.nodes[2]!.stop();
    const error = await cache.ping().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CacheUnavailableError);
    expect((error as Error).message).toContain(cluster.nodes[2]!.address);
  });
});
