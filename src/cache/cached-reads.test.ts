import { describe, expect, it } from 'vitest';
import { CacheUnavailableError, type Cache, type CachePing } from './cache.js';
import { CachedReads, type CachedReadsOptions, type LookupResult } from './cached-reads.js';
import { jsonCodec, recordCodec } from './codecs.js';
import { InProcessCache } from './in-process-cache.js';
import { cacheKeys, cacheNamespaces, type CacheRegion } from './keys.js';

/** An in-process cache that can be switched off, as Redis going away looks to its callers. */
class SwitchableCache implements Cache {
  readonly mode = 'redis' as const;
  down = false;
  calls = 0;
  private readonly inner = new InProcessCache();

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    this.calls++;
    if (this.down) throw new CacheUnavailableError('Redis GET failed: Connection is closed.');
    return work();
  }
  get(key: string): Promise<string | undefined> {
    return this.guard(() => this.inner.get(key));
  }
  set(key: string, value: string, ttlMs: number): Promise<void> {
    return this.guard(() => this.inner.set(key, value, ttlMs));
  }
  delete(keys: readonly string[]): Promise<void> {
    return this.guard(() => this.inner.delete(keys));
  }
  namespaceToken(key: string, ttlMs: number): Promise<string> {
    return this.guard(() => this.inner.namespaceToken(key, ttlMs));
  }
  renewNamespace(key: string, ttlMs: number): Promise<void> {
    return this.guard(() => this.inner.renewNamespace(key, ttlMs));
  }
  ping(): Promise<CachePing> {
    return this.guard(() => this.inner.ping());
  }
  async close(): Promise<void> {}
}

function setUp(options: Partial<CachedReadsOptions> = {}) {
  let now = 1_000_000;
  const store = new SwitchableCache();
  const lookups: `${CacheRegion}:${LookupResult}`[] = [];
  const errors: string[] = [];
  const availability: boolean[] = [];
  const reads = new CachedReads(store, {
    keyPrefix: 'test:',
    ttls: { patientMs: 60_000, listsMs: 60_000, dashboardMs: 5_000 },
    onLookup: (region, result) => lookups.push(`${region}:${result}`),
    onError: (operation) => errors.push(operation),
    onAvailabilityChange: (available) => availability.push(available),
    now: () => now,
    ...options,
  });
  return { store, reads, lookups, errors, availability, advance: (ms: number) => (now += ms) };
}

const json = jsonCodec<{ n: number }>();
const doctors = cacheKeys.doctorList({ q: '', limit: 50 });

describe('cache-aside reads', () => {
  it('loads on a miss, serves the stored value on the next read, and counts both', async () => {
    const { reads, lookups } = setUp();
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await reads.getOrLoad(doctors, json, load)).toEqual({ n: 1 });
    expect(await reads.getOrLoad(doctors, json, load)).toEqual({ n: 1 });
    expect(loads).toBe(1);
    expect(lookups).toEqual(['doctors:miss', 'doctors:hit']);
  });

  it('reads again from the source once the namespace is invalidated', async () => {
    const { reads } = setUp();
    let value = 1;
    const load = async () => ({ n: value });
    await reads.getOrLoad(doctors, json, load);
    value = 2;
    await reads.invalidate([cacheNamespaces.doctors]);
    expect(await reads.getOrLoad(doctors, json, load)).toEqual({ n: 2 });
  });

  it('never serves a value loaded before a write that was invalidated while it loaded', async () => {
    const { reads } = setUp();
    let release!: () => void;
    let started!: () => void;
    const loadStarted = new Promise<void>((resolve) => (started = resolve));
    const slowRead = reads.getOrLoad(doctors, json, async () => {
      started();
      await new Promise<void>((done) => (release = done));
      return { n: 1 };
    });
    await loadStarted;
    // A writer commits { n: 2 } and invalidates while the slow reader still holds { n: 1 }.
    await reads.invalidate([cacheNamespaces.doctors]);
    release();
    expect(await slowRead).toEqual({ n: 1 });
    expect(await reads.getOrLoad(doctors, json, async () => ({ n: 2 }))).toEqual({ n: 2 });
  });

  it('keeps namespaces apart: invalidating one patient leaves another cached', async () => {
    const { reads, lookups } = setUp();
    const codec = jsonCodec<string>();
    await reads.getOrLoad(cacheKeys.patientRecord('a'), codec, async () => 'a1');
    await reads.getOrLoad(cacheKeys.patientRecord('b'), codec, async () => 'b1');
    await reads.invalidate([cacheNamespaces.patient('a')]);
    expect(await reads.getOrLoad(cacheKeys.patientRecord('a'), codec, async () => 'a2')).toBe('a2');
    expect(await reads.getOrLoad(cacheKeys.patientRecord('b'), codec, async () => 'b2')).toBe('b1');
    expect(lookups.slice(2)).toEqual(['patients:miss', 'patients:hit']);
  });

  it('shares one load between concurrent misses of the same entry', async () => {
    const { reads } = setUp();
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { n: loads };
    };
    const results = await Promise.all([
      reads.getOrLoad(doctors, json, load),
      reads.getOrLoad(doctors, json, load),
    ]);
    expect(results).toEqual([{ n: 1 }, { n: 1 }]);
    expect(loads).toBe(1);
  });

  it('serves from the source when the store fails, counts the error, and skips the store for a while', async () => {
    const { store, reads, lookups, errors, availability, advance } = setUp({ retryAfterMs: 1_000 });
    store.down = true;
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await reads.getOrLoad(doctors, json, load)).toEqual({ n: 1 });
    expect(errors).toEqual(['read']);
    expect(availability).toEqual([false]);
    const callsAfterFailure = store.calls;
    expect(await reads.getOrLoad(doctors, json, load)).toEqual({ n: 2 });
    expect(store.calls).toBe(callsAfterFailure);
    expect(lookups).toEqual(['doctors:bypass', 'doctors:bypass']);

    store.down = false;
    advance(1_000);
    expect(await reads.getOrLoad(doctors, json, load)).toEqual({ n: 3 });
    expect(await reads.getOrLoad(doctors, json, load)).toEqual({ n: 3 });
    expect(availability).toEqual([false, true]);
  });

  it('replays an invalidation the store missed before it reads from the store again', async () => {
    const { store, reads, errors, advance } = setUp({ retryAfterMs: 1_000 });
    const key = cacheKeys.patientRecord('p');
    const codec = recordCodec<{ id: string; version: number; updatedAt: Date }>(['updatedAt']);
    const v1 = { id: 'p', version: 1, updatedAt: new Date('2026-01-01T00:00:00Z') };
    await reads.getOrLoad(key, codec, async () => v1);

    store.down = true;
    await reads.invalidate([cacheNamespaces.patient('p')]);
    expect(errors).toEqual(['invalidate']);
    expect(reads.pendingInvalidations).toBe(1);

    store.down = false;
    advance(1_000);
    const v2 = { id: 'p', version: 2, updatedAt: new Date('2026-01-02T00:00:00Z') };
    const read = await reads.getOrLoad(key, codec, async () => v2);
    expect(read).toEqual(v2);
    expect(read.updatedAt).toBeInstanceOf(Date);
    expect(reads.pendingInvalidations).toBe(0);
    reads.close();
  });

  it('reads around the store entirely for a region whose TTL is 0', async () => {
    const { store, reads, lookups } = setUp({ ttls: { patientMs: 60_000, listsMs: 0, dashboardMs: 0 } });
    let loads = 0;
    await reads.getOrLoad(doctors, json, async () => ({ n: ++loads }));
    await reads.getOrLoad(doctors, json, async () => ({ n: ++loads }));
    expect(loads).toBe(2);
    expect(store.calls).toBe(0);
    expect(lookups).toEqual([]);
  });

  it('treats an unreadable entry as a miss', async () => {
    const { store, reads } = setUp();
    await reads.getOrLoad(doctors, json, async () => ({ n: 1 }));
    const broken = {
      encode: JSON.stringify,
      decode: (): never => {
        throw new Error('old format');
      },
    };
    expect(await reads.getOrLoad(doctors, broken, async () => ({ n: 2 }))).toEqual({ n: 2 });
    expect(store.calls).toBeGreaterThan(0);
  });

  it('lets a caller load inside its own transaction and store afterwards', async () => {
    const { reads, lookups } = setUp();
    const key = cacheKeys.patientRecord('q');
    const codec = jsonCodec<string>();
    const first = await reads.lookup(key, codec);
    expect(first.value).toBeUndefined();
    await first.store('from the database');
    expect((await reads.lookup(key, codec)).value).toBe('from the database');
    expect(lookups).toEqual(['patients:miss', 'patients:hit']);
  });
});
