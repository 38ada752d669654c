import { tmpdir } from 'node:os';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/load.js';
import { Metrics } from '../observability/metrics.js';
import { CacheUnavailableError, type Cache } from './cache.js';
import { InProcessCache } from './in-process-cache.js';
import { cacheIndicator, openCache } from './open-cache.js';

const silent = pino({ level: 'silent' });

function metrics(): Metrics {
  return new Metrics({
    poolStatistics: () => ({ active: 0, idle: 0, pending: 0, max: 1 }),
    connectionFailures: () => 0,
  });
}

describe('opening the cache', () => {
  it('caches in-process without redis.url, and its health component says so', async () => {
    const config = loadConfig({ env: {}, cwd: tmpdir(), overrides: {} });
    const opened = openCache(config, { metrics: metrics(), logger: silent, entryVersion: 'test' });
    try {
      expect(opened.cache.mode).toBe('in-process');
      expect(await opened.whenReady(10)).toBe(true);
      expect(opened.indicator.critical).toBe(false);
      expect(await opened.indicator.check()).toEqual({
        status: 'UP',
        details: { mode: 'in-process', note: 'no redis.url: cache in this process' },
      });
    } finally {
      await opened.close();
    }
  });

  it('reports redis DOWN with the failing nodes, as a non-critical component', async () => {
    const failing: Cache = Object.assign(new InProcessCache(), {
      mode: 'redis-cluster' as const,
      ping: async () => {
        throw Object.assign(
          new CacheUnavailableError('1 of 3 Redis node(s) did not answer: 127.0.0.1:7002'),
          {
            ping: {
              responseTimeMs: 1,
              nodes: [
                { address: '127.0.0.1:7001', up: true },
                { address: '127.0.0.1:7002', up: false, error: 'not connected' },
              ],
            },
          },
        );
      },
    });
    const health = await cacheIndicator(failing).check();
    expect(health).toMatchObject({
      status: 'DOWN',
      details: {
        mode: 'redis-cluster',
        error: '1 of 3 Redis node(s) did not answer: 127.0.0.1:7002',
        nodes: [{ up: true }, { address: '127.0.0.1:7002', up: false }],
      },
    });
  });

  it('counts look-ups and errors in the Prometheus metrics', async () => {
    const config = loadConfig({ env: {}, cwd: tmpdir(), overrides: {} });
    const registry = metrics();
    const opened = openCache(config, { metrics: registry, logger: silent, entryVersion: 'test' });
    const key = { region: 'doctors' as const, namespace: 'doctors', entry: 'list:x' };
    const codec = { encode: JSON.stringify, decode: JSON.parse };
    await opened.reads.getOrLoad(key, codec, async () => 1);
    await opened.reads.getOrLoad(key, codec, async () => 2);
    const text = await registry.registry.metrics();
    expect(text).toContain('medisys_cache_requests_total{cache="doctors",result="miss"} 1');
    expect(text).toContain('medisys_cache_requests_total{cache="doctors",result="hit"} 1');
    expect(text).toContain('medisys_cache_errors_total{operation="read"} 0');
    await opened.close();
  });

  it('refuses a key prefix with braces, which would break the cluster hash tags', () => {
    expect(() =>
      loadConfig({ env: {}, cwd: tmpdir(), overrides: { 'cache.key-prefix': 'medisys{a}:' } }),
    ).toThrow(ConfigError);
  });
});
