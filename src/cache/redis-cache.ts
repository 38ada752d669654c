import { randomUUID } from 'node:crypto';
import { Cluster, type Redis } from 'ioredis';
import { CacheUnavailableError, type Cache, type CachePing } from './cache.js';
import type { RedisClient } from './redis.js';

/**
 * Settles `work` within `timeoutMs` or throws CacheUnavailableError. ioredis has its own command timeout,
 * but a cluster client may retry a command on another node first; this bound holds whatever it does.
 */
async function bounded<T>(work: () => Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new CacheUnavailableError(`Redis did not answer ${what} within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  const attempt = (async () => work())().catch((error: unknown) => {
    throw new CacheUnavailableError(`Redis ${what} failed: ${(error as Error).message}`);
  });
  // The losing promise must not surface later as an unhandled rejection.
  attempt.catch(() => undefined);
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function addressOf(node: Redis): string {
  return `${node.options.host ?? '127.0.0.1'}:${node.options.port ?? 6379}`;
}

/**
 * The cache in Redis, standalone or Cluster. Every operation is bounded by `timeoutMs`; each touches one
 * key per command, so it works unchanged on a cluster (a namespace's token and its entries also share
 * a hash tag, see keys.ts, so they live on the same node).
 */
export class RedisCache implements Cache {
  readonly mode: 'redis' | 'redis-cluster';

  constructor(
    private readonly client: RedisClient,
    private readonly timeoutMs: number,
  ) {
    this.mode = client instanceof Cluster ? 'redis-cluster' : 'redis';
  }

  async get(key: string): Promise<string | undefined> {
    const value = await bounded(() => this.client.get(key), this.timeoutMs, 'GET');
    return value ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await bounded(() => this.client.set(key, value, 'PX', ttlMs), this.timeoutMs, 'SET');
  }

  async delete(keys: readonly string[]): Promise<void> {
    await bounded(() => Promise.all(keys.map((key) => this.client.unlink(key))), this.timeoutMs, 'UNLINK');
  }

  async namespaceToken(namespaceKey: string, ttlMs: number): Promise<string> {
    return bounded(
      async () => {
        const current = await this.client.get(namespaceKey);
        if (current !== null) return current;
        const token = randomUUID();
        // NX: when two instances create a token at once, both end up using the one that was stored.
        const stored = await this.client.set(namespaceKey, token, 'PX', ttlMs, 'NX');
        if (stored === 'OK') return token;
        return (await this.client.get(namespaceKey)) ?? token;
      },
      this.timeoutMs,
      'namespace GET',
    );
  }

  async renewNamespace(namespaceKey: string, ttlMs: number): Promise<void> {
    await bounded(
      () => this.client.set(namespaceKey, randomUUID(), 'PX', ttlMs),
      this.timeoutMs,
      'namespace SET',
    );
  }

  async ping(): Promise<CachePing> {
    const started = performance.now();
    const results = await Promise.all(
      this.nodesHoldingData().map(async ({ address, node }) => {
        if (!node) return { address, up: false, error: 'not connected' };
        try {
          await bounded(() => node.ping(), this.timeoutMs * 4, 'PING');
          return { address, up: true };
        } catch (error) {
          return { address, up: false, error: (error as Error).message };
        }
      }),
    );
    const responseTimeMs = Math.round((performance.now() - started) * 100) / 100;
    const down = results.filter((result) => !result.up);
    if (results.length === 0 || down.length > 0) {
      const error = new CacheUnavailableError(
        results.length === 0
          ? 'no Redis Cluster node is known (the cluster was never reached)'
          : `${down.length} of ${results.length} Redis node(s) did not answer: ${down.map((node) => `${node.address} (${node.error ?? 'no answer'})`).join(', ')}`,
      );
      throw Object.assign(error, { ping: { responseTimeMs, nodes: results } });
    }
    return { responseTimeMs, nodes: results };
  }

  /**
   * Standalone: the one server. Cluster: every master the slot table names, with its connection when the
   * client holds one (a lost node is reconnected, see redis.ts; one missing from the pool counts as down).
   */
  private nodesHoldingData(): { address: string; node: Redis | undefined }[] {
    if (!(this.client instanceof Cluster)) {
      return [{ address: addressOf(this.client), node: this.client }];
    }
    const connected = new Map(this.client.nodes('master').map((node) => [addressOf(node), node]));
    const masters = new Set<string>();
    for (const owners of this.client.slots) if (owners?.[0]) masters.add(owners[0]);
    if (masters.size === 0) for (const address of connected.keys()) masters.add(address);
    return [...masters].sort().map((address) => ({ address, node: connected.get(address) }));
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
