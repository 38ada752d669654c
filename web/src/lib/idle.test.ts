import { describe, expect, it } from 'vitest';
import { idlePolicy, idleState, latestActivity, shouldKeepAlive } from './idle';

describe('automatic sign-out', () => {
  it('warns a minute before a 15-minute timeout and keeps the server session alive every minute', () => {
    expect(idlePolicy(900)).toEqual({ timeoutMs: 900_000, warningMs: 60_000, keepAliveMs: 60_000 });
  });

  it('scales the warning to a short timeout', () => {
    const policy = idlePolicy(30);
    expect(policy.warningMs).toBe(10_000);
    expect(policy.keepAliveMs).toBe(7_500);
  });

  it('is active, then warns with the time left, then expires', () => {
    const policy = idlePolicy(900);
    expect(idleState(policy, 0, 839_999)).toEqual({ kind: 'active' });
    expect(idleState(policy, 0, 840_000)).toEqual({ kind: 'warning', remainingMs: 60_000 });
    expect(idleState(policy, 0, 899_000)).toEqual({ kind: 'warning', remainingMs: 1_000 });
    expect(idleState(policy, 0, 900_000)).toEqual({ kind: 'expired' });
  });

  it('pings the server only when it has not heard from the browser for a while', () => {
    const policy = idlePolicy(900);
    expect(shouldKeepAlive(policy, 100_000, 130_000)).toBe(false);
    expect(shouldKeepAlive(policy, 100_000, 160_000)).toBe(true);
  });

  it('counts activity in another tab', () => {
    expect(latestActivity(1_000, '5000')).toBe(5_000);
    expect(latestActivity(9_000, '5000')).toBe(9_000);
    expect(latestActivity(9_000, null)).toBe(9_000);
    expect(latestActivity(9_000, 'garbage')).toBe(9_000);
  });
});
