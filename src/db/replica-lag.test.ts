import { describe, expect, it } from 'vitest';
import { LagTracker, parseLsn } from './replica-lag.js';

describe('parseLsn', () => {
  it('reads PostgreSQL LSNs as byte positions and refuses anything else', () => {
    expect(parseLsn('0/0')).toBe(0n);
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) | 0xb374d848n);
    expect(parseLsn('1/0')! > parseLsn('0/FFFFFFFF')!).toBe(true);
    expect(parseLsn(null)).toBeUndefined();
    expect(parseLsn('16-B374D848')).toBeUndefined();
  });
});

describe('LagTracker', () => {
  it('reads 0 on an idle primary however old its last write is', () => {
    const tracker = new LagTracker();
    tracker.observePrimary(100n, 0);
    // An hour later, nothing new was written and the replica has all of it.
    tracker.observePrimary(100n, 3_600_000);
    expect(tracker.lagSeconds(100n, 3_600_000)).toBe(0);
  });

  it('counts from when the primary first had what the replica is still missing', () => {
    const tracker = new LagTracker();
    tracker.observePrimary(100n, 0);
    tracker.observePrimary(200n, 1000);
    tracker.observePrimary(300n, 2000);
    tracker.observePrimary(300n, 3000);
    // The replica has replayed up to 150: it misses what the primary had at 1000 ms.
    expect(tracker.lagSeconds(150n, 8000)).toBe(7);
    // It catches up to 250: now it misses only what appeared at 2000 ms.
    expect(tracker.lagSeconds(250n, 8000)).toBe(6);
    expect(tracker.lagSeconds(300n, 8000)).toBe(0);
  });

  it('keeps the oldest missing position when the history is long', () => {
    const tracker = new LagTracker();
    for (let second = 0; second < 5000; second++) tracker.observePrimary(BigInt(second + 1), second * 1000);
    expect(tracker.lagSeconds(0n, 5_000_000)).toBe(5000);
  });
});
