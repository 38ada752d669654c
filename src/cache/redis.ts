import { Cluster, Redis } from 'ioredis';
import type { AppConfig } from '../config/load.js';

/** A standalone Redis or a Redis Cluster: both answer the same commands. */
export type RedisClient = Redis | Cluster;

/** How long one Redis command may take before the caller treats Redis as down. */
const COMMAND_TIMEOUT_MS = 250;
const CONNECT_TIMEOUT_MS = 1_000;
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * Opens the configured Redis (redis.cluster.nodes wins over redis.url), or returns undefined when none is
 * configured. The offline queue is off and commands time out, so "Redis down" fails fast and callers fall
 * back to PostgreSQL instead of hanging a request.
 */
export function openRedis(config: AppConfig, onError: (error: Error) => void): RedisClient | undefined {
  const retryStrategy = (attempt: number): number => Math.min(attempt * 200, MAX_RECONNECT_DELAY_MS);
  const common = {
    enableOfflineQueue: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
  };
  let client: RedisClient;
  if (config.redis.clusterNodes.length > 0) {
    client = new Cluster(
      config.redis.clusterNodes.map((node) => {
        const [host = '127.0.0.1', port = '6379'] = node.split(':');
        return { host, port: Number(port) };
      }),
      {
        enableOfflineQueue: false,
        clusterRetryStrategy: retryStrategy,
        redisOptions: common,
      },
    );
  } else if (config.redis.url !== '') {
    client = new Redis(config.redis.url, { ...common, retryStrategy });
  } else {
    return undefined;
  }
  client.on('error', onError);
  return client;
}
