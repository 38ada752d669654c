import { createHash } from 'node:crypto';

/** One counter to move: `amount` hits (negative to give back) in the fixed window of `windowMs` holding now. */
export interface BucketHit {
  readonly bucket: string;
  readonly windowMs: number;
  readonly amount: number;
}

/**
 * Where throttle counters live: Redis when configured, else PostgreSQL; every instance sees the same
 * counts. Windows are fixed (a window starts at a multiple of its length since the epoch) and computed
 * from `nowMs`, the caller's clock, so tests can move time and instances agree on window boundaries.
 */
export interface ThrottleStore {
  readonly kind: 'redis' | 'postgres';
  /** Adds each hit to its bucket's counter in the current window; returns the new counts, in order. */
  add(hits: readonly BucketHit[], nowMs: number): Promise<number[]>;
  /** The bucket's count in the current window, without adding. */
  count(bucket: string, windowMs: number, nowMs: number): Promise<number>;
  /** Forgets the bucket's count in the current window. */
  reset(bucket: string, windowMs: number, nowMs: number): Promise<void>;
  /** Adds `member` to the bucket's set of distinct members in the current window; returns the set's size. */
  addMember(bucket: string, member: string, windowMs: number, nowMs: number): Promise<number>;
  /** Marks the bucket for `ttlMs` from now (renewing an existing mark). */
  mark(bucket: string, ttlMs: number, nowMs: number): Promise<void>;
  isMarked(bucket: string, nowMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export function windowStartOf(nowMs: number, windowMs: number): number {
  return Math.floor(nowMs / windowMs) * windowMs;
}

/** Whole seconds until the window holding `nowMs` ends (at least 1): the Retry-After of a 429. */
export function secondsUntilWindowEnds(nowMs: number, windowMs: number): number {
  return Math.max(1, Math.ceil((windowStartOf(nowMs, windowMs) + windowMs - nowMs) / 1000));
}

/**
 * A stable short digest of what a user typed as their username: counters and their keys never hold the
 * typed text, which is sometimes a password entered in the wrong field.
 */
export function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
