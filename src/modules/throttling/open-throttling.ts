import type { Logger } from 'pino';
import { openRedis } from '../../cache/redis.js';
import type { AppConfig } from '../../config/load.js';
import type { Database } from '../../db/index.js';
import type { Loggers } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { ApiThrottle } from './api-throttle.js';
import { FailoverThrottleStore } from './failover-throttle-store.js';
import { PostgresThrottleStore } from './postgres-throttle-store.js';
import { RedisThrottleStore } from './redis-throttle-store.js';
import { SignInThrottle } from './sign-in-throttle.js';
import type { ThrottleStore } from './throttle-store.js';

/** Redis problems are logged at most this often, never per request. */
const WARN_INTERVAL_MS = 30_000;

export interface Throttling {
  readonly signIn: SignInThrottle;
  readonly api: ApiThrottle;
  readonly store: ThrottleStore;
  close(): Promise<void>;
}

export interface OpenThrottlingOptions {
  readonly metrics: Metrics;
  readonly loggers: Loggers;
  /** The services' clock in milliseconds (tests move it). */
  readonly clockMs?: () => number;
  /** A store to use instead of the configured one (tests). */
  readonly store?: ThrottleStore;
}

/**
 * The throttles of this instance over the shared store: Redis (falling back to PostgreSQL while it is
 * down) when redis.url or redis.cluster.nodes is set, else PostgreSQL.
 */
export function openThrottling(config: AppConfig, db: Database, options: OpenThrottlingOptions): Throttling {
  const { metrics, loggers } = options;
  const clockMs = options.clockMs ?? Date.now;
  const logger: Logger = loggers.app;
  let lastWarningMs = 0;
  const warn = (message: string, error: Error): void => {
    if (Date.now() - lastWarningMs < WARN_INTERVAL_MS) return;
    lastWarningMs = Date.now();
    logger.warn({ err: { message: error.message } }, message);
  };
  const postgres = new PostgresThrottleStore(db);
  const redis = options.store
    ? undefined
    : openRedis(config, (error) => warn('throttle: Redis connection error', error));
  const store =
    options.store ??
    (redis
      ? new FailoverThrottleStore(new RedisThrottleStore(redis, config.cache.keyPrefix), postgres, {
          onPrimaryFailure: (error) => {
            metrics.throttleStoreFailures.inc({ store: 'redis' });
            warn('throttle: Redis failed; counting in PostgreSQL for now', error);
          },
        })
      : postgres);
  const signIn = new SignInThrottle(
    store,
    config.security,
    loggers,
    {
      onThrottled: (scope) => metrics.throttledRequests.inc({ scope }),
      onBruteForce: () => metrics.securityDetections.inc({ event: 'BRUTE_FORCE' }),
    },
    clockMs,
  );
  return {
    signIn,
    api: new ApiThrottle(store, config.security.throttle.api, clockMs),
    store,
    async close(): Promise<void> {
      await store.close();
      if (redis) redis.disconnect();
    },
  };
}
