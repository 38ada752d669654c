import { describe, expect, it } from 'vitest';
import { TtlCache } from './dashboard-cache.js';

describe('TtlCache', () => {
  function clock() {
    let now = 1_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  }

  it('serves a loaded value until it expires, then loads again', async () => {
    const time = clock();
    const lookups: string[] = [];
    const cache = new TtlCache<number>(5_000, time.now, (result) => lookups.push(result));
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.getOrLoad('dashboard:admin', load)).toBe(1);
    time.advance(4_999);
    expect(await cache.getOrLoad('dashboard:admin', load)).toBe(1);
    time.advance(1);
    expect(await cache.getOrLoad('dashboard:admin', load)).toBe(2);
    expect(lookups).toEqual(['miss', 'hit', 'miss']);
  });

  it('keeps keys apart', async () => {
    const cache = new TtlCache<string>(5_000, clock().now);
    expect(await cache.getOrLoad('dashboard:admin', async () => 'admin figures')).toBe('admin figures');
    expect(await cache.getOrLoad('dashboard:staff', async () => 'staff figures')).toBe('staff figures');
    expect(await cache.getOrLoad('dashboard:admin', async () => 'other')).toBe('admin figures');
  });

  it('shares one load between concurrent misses and does not keep a failed load', async () => {
    const cache = new TtlCache<number>(5_000, clock().now);
    let loads = 0;
    let fail = true;
    const load = async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (fail) throw new Error('database away');
      return loads;
    };
    const both = await Promise.allSettled([cache.getOrLoad('k', load), cache.getOrLoad('k', load)]);
    expect(both.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(loads).toBe(1);
    fail = false;
    expect(await cache.getOrLoad('k', load)).toBe(2);
  });
});
