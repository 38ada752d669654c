import { describe, expect, it } from 'vitest';
import { InProcessCache } from './in-process-cache.js';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let now = 1_000;
  return { now: () => now, advance: (ms) => (now += ms) };
}

describe('the in-process cache', () => {
  it('serves a value until its TTL has passed', async () => {
    const time = clock();
    const cache = new InProcessCache({ now: time.now });
    await cache.set('a', 'one', 5_000);
    time.advance(4_999);
    expect(await cache.get('a')).toBe('one');
    time.advance(1);
    expect(await cache.get('a')).toBeUndefined();
  });

  it('deletes the keys it is given and no others', async () => {
    const cache = new InProcessCache();
    await cache.set('a', '1', 60_000);
    await cache.set('b', '2', 60_000);
    await cache.set('c', '3', 60_000);
    await cache.delete(['a', 'c', 'missing']);
    expect([await cache.get('a'), await cache.get('b'), await cache.get('c')]).toEqual([
      undefined,
      '2',
      undefined,
    ]);
  });

  it('keeps a namespace token until it is renewed, then hands out a different one', async () => {
    const cache = new InProcessCache();
    const first = await cache.namespaceToken('{patient:1}', 60_000);
    expect(await cache.namespaceToken('{patient:1}', 60_000)).toBe(first);
    expect(await cache.namespaceToken('{patient:2}', 60_000)).not.toBe(first);
    await cache.renewNamespace('{patient:1}', 60_000);
    expect(await cache.namespaceToken('{patient:1}', 60_000)).not.toBe(first);
  });

  it('evicts the least recently used entry beyond its bound', async () => {
    const cache = new InProcessCache({ maxEntries: 2 });
    await cache.set('a', '1', 60_000);
    await cache.set('b', '2', 60_000);
    expect(await cache.get('a')).toBe('1');
    await cache.set('c', '3', 60_000);
    expect(cache.size).toBe(2);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe('1');
    expect(await cache.get('c')).toBe('3');
  });
});
