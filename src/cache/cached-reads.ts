import type { Cache } from './cache.js';
import type { CacheCodec } from './codecs.js';
import {
  NAMESPACE_TTL_MS,
  entryKeyOf,
  namespaceKeyOf,
  ttlOf,
  type CacheEntryKey,
  type CacheRegion,
  type CacheTtls,
} from './keys.js';

/** What a look-up found: a cached value, nothing (miss), or a cache that could not be asked (bypass). */
export type LookupResult = 'hit' | 'miss' | 'bypass';

/** The cache operations whose failures are counted (medisys_cache_errors_total{operation}). */
export type CacheOperation = 'read' | 'write' | 'invalidate';

export interface CachedReadsOptions {
  readonly keyPrefix: string;
  readonly ttls: CacheTtls;
  /**
   * Part of every entry key (the release): instances of two releases behind one load balancer share
   * namespace tokens, so invalidations reach both, but never read each other's entry formats.
   */
  readonly entryVersion?: string;
  readonly onLookup?: (region: CacheRegion, result: LookupResult) => void;
  readonly onError?: (operation: CacheOperation, error: Error) => void;
  /** Called when the cache stops answering and when it answers again (for one log line each). */
  readonly onAvailabilityChange?: (available: boolean, error?: Error) => void;
  /** After a failure, how long requests skip the cache before trying it again. */
  readonly retryAfterMs?: number;
  /** Invalidations kept for replay while the cache is away; beyond this the oldest are dropped. */
  readonly maxPendingInvalidations?: number;
  readonly now?: () => number;
}

/** A look-up's result; `store` puts a value loaded from the database under the token the look-up read. */
export interface Lookup<T> {
  readonly value: T | undefined;
  store(value: T): Promise<void>;
}

const BYPASS: Lookup<never> = { value: undefined, store: async () => undefined };

interface Found<T> {
  readonly result: LookupResult;
  readonly value?: T;
  readonly entryKey?: string;
  readonly ttlMs: number;
}

/**
 * Cache-aside over a `Cache`, with versioned namespaces:
 *
 * - read: fetch the namespace's token, then the entry stored under it; on a miss the caller loads from
 *   PostgreSQL and stores under the token it fetched *before* loading. A writer that commits meanwhile
 *   replaces the token, so a value loaded before its commit lands under a token nobody reads again:
 *   no stale entry survives a write, whatever the interleaving.
 * - write: after the transaction commits and before the response is sent, `invalidate` replaces the
 *   tokens of what changed. Another instance's next read fetches the new token and misses.
 * - failure: any cache error means "no cache" (the database answers), is counted, and makes requests
 *   skip the cache for `retryAfterMs`. Invalidations that could not be made are kept and replayed before
 *   this instance reads from the cache again; entries everyone missed expire with their TTL.
 *
 * Nothing is kept in process memory in front of the store: concurrent misses of one entry (same token)
 * share one database load, and that is all.
 */
export class CachedReads {
  private readonly pending = new Set<string>();
  private readonly loading = new Map<string, Promise<unknown>>();
  private skipUntil = 0;
  private available = true;
  private replayTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly cache: Cache,
    private readonly options: CachedReadsOptions,
  ) {}

  get mode(): Cache['mode'] {
    return this.cache.mode;
  }

  /** Invalidations waiting for the cache to come back. */
  get pendingInvalidations(): number {
    return this.pending.size;
  }

  /** For reads whose load must run inside the caller's transaction (a patient read and its audit row). */
  async lookup<T>(key: CacheEntryKey, codec: CacheCodec<T>): Promise<Lookup<T>> {
    const found = await this.find(key, codec);
    if (found.result === 'hit') return { value: found.value, store: async () => undefined };
    const { entryKey, ttlMs } = found;
    if (entryKey === undefined) return BYPASS;
    return { value: undefined, store: (value) => this.store(entryKey, codec.encode(value), ttlMs) };
  }

  /** The cached value, or `load()`'s, stored for the next reader. */
  async getOrLoad<T>(key: CacheEntryKey, codec: CacheCodec<T>, load: () => Promise<T>): Promise<T> {
    const found = await this.find(key, codec);
    if (found.result === 'hit') return found.value as T;
    const { entryKey, ttlMs } = found;
    if (entryKey === undefined) return load();
    const inFlight = this.loading.get(entryKey) as Promise<T> | undefined;
    if (inFlight) return inFlight;
    const loaded = (async () => {
      const value = await load();
      await this.store(entryKey, codec.encode(value), ttlMs);
      return value;
    })();
    this.loading.set(entryKey, loaded);
    try {
      return await loaded;
    } finally {
      this.loading.delete(entryKey);
    }
  }

  /**
   * Replaces the tokens of `namespaces` (see keys.ts `cacheNamespaces`). Call after the change has
   * committed and before answering, so that the next read anywhere sees it. Never throws.
   */
  async invalidate(namespaces: Iterable<string>): Promise<void> {
    const keys = [...new Set(namespaces)].map((namespace) =>
      namespaceKeyOf(this.options.keyPrefix, namespace),
    );
    if (keys.length === 0) return;
    // Tried even while reads skip the cache: an invalidation that reaches Redis protects every instance.
    const failed = await this.renew(keys);
    if (failed.length === 0) {
      this.succeeded();
      return;
    }
    this.keepPending(failed);
  }

  /** Stops the replay timer; the cache itself is closed by its owner. */
  close(): void {
    this.closed = true;
    clearTimeout(this.replayTimer);
    this.replayTimer = undefined;
  }

  /** Renews each namespace key; returns the keys that failed (already counted). */
  private async renew(keys: readonly string[]): Promise<string[]> {
    const results = await Promise.allSettled(
      keys.map((key) => this.cache.renewNamespace(key, NAMESPACE_TTL_MS)),
    );
    const failed: string[] = [];
    keys.forEach((key, index) => {
      const result = results[index]!;
      if (result.status === 'fulfilled') this.pending.delete(key);
      else failed.push(key);
    });
    const rejection = results.find((result) => result.status === 'rejected');
    if (rejection) this.failed('invalidate', rejection.reason as Error);
    return failed;
  }

  private async find<T>(key: CacheEntryKey, codec: CacheCodec<T>): Promise<Found<T>> {
    const ttlMs = ttlOf(key.region, this.options.ttls);
    if (ttlMs <= 0) return { result: 'bypass', ttlMs };
    if (!(await this.replayPending())) return this.counted(key, { result: 'bypass', ttlMs });
    let entryKey: string;
    let text: string | undefined;
    try {
      const token = await this.cache.namespaceToken(
        namespaceKeyOf(this.options.keyPrefix, key.namespace),
        NAMESPACE_TTL_MS,
      );
      entryKey = entryKeyOf(this.options.keyPrefix, key, token) + `:${this.options.entryVersion ?? 'v'}`;
      text = await this.cache.get(entryKey);
      this.succeeded();
    } catch (error) {
      this.failed('read', error as Error);
      return this.counted(key, { result: 'bypass', ttlMs });
    }
    if (text !== undefined) {
      try {
        return this.counted(key, { result: 'hit', value: codec.decode(text), ttlMs });
      } catch {
        // An unreadable entry is a miss: the database's value replaces it.
      }
    }
    return this.counted(key, { result: 'miss', entryKey, ttlMs });
  }

  private counted<T>(key: CacheEntryKey, found: Found<T>): Found<T> {
    this.options.onLookup?.(key.region, found.result);
    return found;
  }

  private async store(entryKey: string, text: string, ttlMs: number): Promise<void> {
    if (this.skipping()) return;
    try {
      await this.cache.set(entryKey, text, ttlMs);
      this.succeeded();
    } catch (error) {
      this.failed('write', error as Error);
    }
  }

  /** True when no invalidation is waiting (any that were are made now); false means read around the cache. */
  async replayPending(): Promise<boolean> {
    if (this.skipping()) return false;
    if (this.pending.size === 0) return true;
    const failed = await this.renew([...this.pending]);
    if (failed.length > 0) return false;
    this.succeeded();
    return true;
  }

  /** Keeps failed invalidations and retries them on a timer, so they are made even without reads. */
  private keepPending(keys: readonly string[]): void {
    const limit = this.options.maxPendingInvalidations ?? 10_000;
    for (const key of keys) {
      this.pending.delete(key);
      this.pending.add(key);
    }
    while (this.pending.size > limit) {
      const oldest = this.pending.values().next().value;
      if (oldest === undefined) break;
      this.pending.delete(oldest);
    }
    this.scheduleReplay();
  }

  private scheduleReplay(): void {
    if (this.closed || this.replayTimer || this.pending.size === 0) return;
    this.replayTimer = setTimeout(() => {
      this.replayTimer = undefined;
      void this.replayPending().finally(() => this.scheduleReplay());
    }, this.options.retryAfterMs ?? 1000);
    this.replayTimer.unref();
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private skipping(): boolean {
    return this.now() < this.skipUntil;
  }

  private failed(operation: CacheOperation, error: Error): void {
    this.options.onError?.(operation, error);
    this.skipUntil = this.now() + (this.options.retryAfterMs ?? 1000);
    if (this.available) {
      this.available = false;
      this.options.onAvailabilityChange?.(false, error);
    }
  }

  private succeeded(): void {
    if (this.available) return;
    this.available = true;
    this.options.onAvailabilityChange?.(true);
  }
}
