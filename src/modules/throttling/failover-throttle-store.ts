import type { BucketHit, ThrottleStore } from './throttle-store.js';

/** After Redis fails, PostgreSQL serves for this long before Redis is tried again. */
const RETRY_PRIMARY_AFTER_MS = 5_000;

export interface FailoverEvents {
  /** Redis failed and PostgreSQL answered instead (count it, log it now and then). */
  onPrimaryFailure(error: Error): void;
}

/**
 * Redis first, PostgreSQL when Redis fails: the throttle keeps working (and stays shared by every
 * instance) while Redis is down. The Redis client queues nothing and times out quickly, so a dead Redis
 * costs one fast error, after which PostgreSQL serves alone for a few seconds instead of paying it again.
 * Counts made during an outage stay in PostgreSQL; back on Redis, a window restarts from zero (documented).
 */
export class FailoverThrottleStore implements ThrottleStore {
  private primaryDownUntil = 0;

  constructor(
    private readonly primary: ThrottleStore,
    private readonly fallback: ThrottleStore,
    private readonly events: FailoverEvents,
    private readonly clockMs: () => number = Date.now,
  ) {}

  get kind(): 'redis' | 'postgres' {
    return this.clockMs() < this.primaryDownUntil ? this.fallback.kind : this.primary.kind;
  }

  add(hits: readonly BucketHit[], nowMs: number): Promise<number[]> {
    return this.run((store) => store.add(hits, nowMs));
  }

  count(bucket: string, windowMs: number, nowMs: number): Promise<number> {
    return this.run((store) => store.count(bucket, windowMs, nowMs));
  }

  reset(bucket: string, windowMs: number, nowMs: number): Promise<void> {
    return this.run((store) => store.reset(bucket, windowMs, nowMs));
  }

  addMember(bucket: string, member: string, windowMs: number, nowMs: number): Promise<number> {
    return this.run((store) => store.addMember(bucket, member, windowMs, nowMs));
  }

  mark(bucket: string, ttlMs: number, nowMs: number): Promise<void> {
    return this.run((store) => store.mark(bucket, ttlMs, nowMs));
  }

  isMarked(bucket: string, nowMs: number): Promise<boolean> {
    return this.run((store) => store.isMarked(bucket, nowMs));
  }

  async close(): Promise<void> {
    await Promise.all([this.primary.close(), this.fallback.close()]);
  }

  private async run<T>(operation: (store: ThrottleStore) => Promise<T>): Promise<T> {
    if (this.clockMs() >= this.primaryDownUntil) {
      try {
        return await operation(this.primary);
      } catch (error) {
        this.primaryDownUntil = this.clockMs() + RETRY_PRIMARY_AFTER_MS;
        this.events.onPrimaryFailure(error as Error);
      }
    }
    return operation(this.fallback);
  }
}
