import { Cluster, Redis } from 'ioredis';
import type { AppConfig } from '../config/load.js';

/** A standalone Redis or a Redis Cluster: both answer the same commands. */
export type RedisClient = Redis | Cluster;

const CONNECT_TIMEOUT_MS = 1_000;
const MAX_RECONNECT_DELAY_MS = 2_000;
/**
 * A cluster client retries a command whose node is lost (after `retryDelayOnFailover`) up to this many
 * times; few, because a command for a stopped master cannot succeed until it returns, and every retry
 * is work done for a request that has already been answered from PostgreSQL.
 */
const CLUSTER_MAX_REDIRECTIONS = 4;

/** `host:port` (IPv6 hosts in brackets or bare) as ioredis wants a cluster seed node. */
function clusterNode(node: string): { host: string; port: number } {
  const separator = node.lastIndexOf(':');
  if (separator <= 0) return { host: node || '127.0.0.1', port: 6379 };
  return { host: node.slice(0, separator).replace(/^\[|\]$/g, ''), port: Number(node.slice(separator + 1)) };
}

/**
 * Opens the configured Redis (redis.cluster.nodes wins over redis.url), or returns undefined when none is
 * configured. The offline queue is off and commands time out (redis.command-timeout), so "Redis down"
 * fails fast and callers fall back to PostgreSQL instead of hanging a request. The client reconnects by
 * itself, forever, at most every 2 s: Redis coming back needs no restart of MediSys.
 */
export function openRedis(config: AppConfig, onError: (error: Error) => void): RedisClient | undefined {
  const retryStrategy = (attempt: number): number => Math.min(attempt * 200, MAX_RECONNECT_DELAY_MS);
  const common = {
    enableOfflineQueue: false,
    // Commands issued in the same event-loop turn (the cache look-ups of concurrent requests) go out in
    // one write: a socket write per command was an eighth of a cached read's CPU.
    enableAutoPipelining: true,
    commandTimeout: config.redis.commandTimeoutMs,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
  };
  let client: RedisClient;
  if (config.redis.clusterNodes.length > 0) {
    client = new Cluster(config.redis.clusterNodes.map(clusterNode), {
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      clusterRetryStrategy: retryStrategy,
      // A lost node is reconnected like a standalone server, instead of being dropped until a MOVED
      // brings it back: a master that restarts with its slots serves again (and health sees it) at once.
      clusterNodeRetryStrategy: retryStrategy,
      maxRedirections: CLUSTER_MAX_REDIRECTIONS,
      redisOptions: common,
    });
  } else if (config.redis.url !== '') {
    client = new Redis(config.redis.url, { ...common, retryStrategy });
  } else {
    return undefined;
  }
  client.on('error', onError);
  return client;
}
