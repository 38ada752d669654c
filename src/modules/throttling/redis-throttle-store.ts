import type { RedisClient } from '../../cache/redis.js';
import { windowStartOf, type BucketHit, type ThrottleStore } from './throttle-store.js';

/** Keys outlive their window a little, so that a slightly slow clock on another instance still finds them. */
const GRACE_MS = 5_000;

/**
 * Throttle counters in Redis: INCRBY and PEXPIRE in one MULTI per key (one key per command, so it
 * works on Redis Cluster too, where a transaction must stay in one hash slot). Keys expire by themselves.
 */
export class RedisThrottleStore implements ThrottleStore {
  readonly kind = 'redis';

  private readonly prefix: string;

  /** `keyPrefix` is the installation's cache.key-prefix: installations sharing a Redis count apart. */
  constructor(
    private readonly redis: RedisClient,
    keyPrefix = 'medisys:',
  ) {
    this.prefix = `${keyPrefix}throttle:`;
  }

  async add(hits: readonly BucketHit[], nowMs: number): Promise<number[]> {
    return Promise.all(
      hits.map(async (hit) => {
        const start = windowStartOf(nowMs, hit.windowMs);
        const key = this.counterKey(hit.bucket, start);
        const results = await this.redis
          .multi()
          .incrby(key, hit.amount)
          .pexpire(key, start + hit.windowMs - nowMs + GRACE_MS)
          .exec();
        return Math.max(0, Number(resultOf(results, 0)));
      }),
    );
  }

  async count(bucket: string, windowMs: number, nowMs: number): Promise<number> {
    const value = await this.redis.get(this.counterKey(bucket, windowStartOf(nowMs, windowMs)));
    return Math.max(0, Number(value ?? 0));
  }

  async reset(bucket: string, windowMs: number, nowMs: number): Promise<void> {
    await this.redis.del(this.counterKey(bucket, windowStartOf(nowMs, windowMs)));
  }

  async addMember(bucket: string, member: string, windowMs: number, nowMs: number): Promise<number> {
    const start = windowStartOf(nowMs, windowMs);
    const key = `${this.prefix}{${bucket}}:${start}:members`;
    const results = await this.redis
      .multi()
      .sadd(key, member)
      .pexpire(key, start + windowMs - nowMs + GRACE_MS)
      .scard(key)
      .exec();
    return Number(resultOf(results, 2));
  }

  async mark(bucket: string, ttlMs: number): Promise<void> {
    await this.redis.set(`${this.prefix}{${bucket}}:mark`, '1', 'PX', ttlMs);
  }

  async isMarked(bucket: string): Promise<boolean> {
    return (await this.redis.exists(`${this.prefix}{${bucket}}:mark`)) === 1;
  }

  async close(): Promise<void> {
    // The client is shared and closed by its owner.
  }

  /** The braces make Redis Cluster hash only the bucket, so all of a bucket's keys share a slot. */
  private counterKey(bucket: string, windowStart: number): string {
    return `${this.prefix}{${bucket}}:${windowStart}`;
  }
}

function resultOf(results: [Error | null, unknown][] | null, index: number): unknown {
  if (!results) throw new Error('Redis discarded the throttle transaction');
  const [error, value] = results[index] ?? [new Error('missing reply'), undefined];
  if (error) throw error;
  return value;
}
