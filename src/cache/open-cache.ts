import type { Logger } from 'pino';
import type { AppConfig } from '../config/load.js';
import type { ComponentHealth, HealthIndicator } from '../observability/health.js';
import type { Metrics } from '../observability/metrics.js';
import { CacheUnavailableError, type Cache, type CachePing } from './cache.js';
import { CachedReads } from './cached-reads.js';
import { InProcessCache } from './in-process-cache.js';
import { RedisCache } from './redis-cache.js';
import { openRedis } from './redis.js';

export interface OpenedCache {
  readonly cache: Cache;
  readonly reads: CachedReads;
  /** The `redis` component of /actuator/health: never critical, so Redis down leaves the status UP. */
  readonly indicator: HealthIndicator;
  /** Resolves true once Redis is connected (at once when in-process), false after `timeoutMs`. */
  whenReady(timeoutMs: number): Promise<boolean>;
  /** Makes the invalidations still waiting (bounded by the command timeout), then closes the store. */
  close(): Promise<void>;
}

export interface OpenCacheOptions {
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Part of every entry key, normally the release version (see CachedReadsOptions.entryVersion). */
  readonly entryVersion: string;
  /** A cache store to use instead of the configured one (tests). */
  readonly cache?: Cache;
}

/**
 * The cache of this process: Redis when redis.url or redis.cluster.nodes is set, else in-process.
 * Logs once when the store goes away and once when it is back, never per request.
 */
export function openCache(config: AppConfig, options: OpenCacheOptions): OpenedCache {
  const { metrics, logger } = options;
  let redisLost = false;
  const client = options.cache
    ? undefined
    : openRedis(config, (error) => {
        if (redisLost) return;
        redisLost = true;
        logger.warn({ err: { message: error.message } }, 'Redis connection lost; serving without cache');
      });
  client?.on('ready', () => {
    if (!redisLost) return;
    redisLost = false;
    logger.info('Redis connection ready again');
  });
  const cache =
    options.cache ?? (client ? new RedisCache(client, config.redis.commandTimeoutMs) : new InProcessCache());
  const reads = new CachedReads(cache, {
    keyPrefix: config.cache.keyPrefix,
    ttls: config.cache.ttl,
    entryVersion: options.entryVersion,
    onLookup: (region, result) => metrics.cacheRequests.inc({ cache: region, result }),
    onError: (operation) => metrics.cacheErrors.inc({ operation }),
    onAvailabilityChange: (available, error) => {
      if (available) logger.info({ cache: cache.mode }, 'cache answering again');
      else
        logger.warn(
          { cache: cache.mode, err: { message: error?.message } },
          'cache not answering; reads go to the database',
        );
    },
  });
  return {
    cache,
    reads,
    indicator: cacheIndicator(cache),
    async whenReady(timeoutMs: number): Promise<boolean> {
      if (!client || client.status === 'ready') return true;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          client.off('ready', ready);
          resolve(false);
        }, timeoutMs);
        const ready = (): void => {
          clearTimeout(timer);
          resolve(true);
        };
        client.once('ready', ready);
      });
    },
    async close(): Promise<void> {
      await reads.replayPending();
      reads.close();
      // A store passed in belongs to the caller.
      if (!options.cache) await cache.close();
    },
  };
}

/** Health of the cache store, as Spring's `redis` component: DOWN with the failing nodes, never critical. */
export function cacheIndicator(cache: Cache): HealthIndicator {
  return {
    name: 'redis',
    critical: false,
    async check(): Promise<ComponentHealth> {
      if (cache.mode === 'in-process') {
        return { status: 'UP', details: { mode: 'in-process', note: 'no redis.url: cache in this process' } };
      }
      try {
        const ping = await cache.ping();
        return { status: 'UP', details: { mode: cache.mode, ...ping } };
      } catch (error) {
        const ping = (error as { ping?: CachePing }).ping;
        return {
          status: 'DOWN',
          details: {
            mode: cache.mode,
            error:
              error instanceof CacheUnavailableError
                ? error.message
                : `Redis failed: ${(error as Error).message}`,
            ...(ping ? { nodes: ping.nodes } : {}),
          },
        };
      }
    },
  };
}
