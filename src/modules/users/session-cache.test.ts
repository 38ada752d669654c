import { describe, expect, it } from 'vitest';
import type { Authenticated } from './auth.service.js';
import { SessionCache, type CachedSession, type SessionLookup } from './session-cache.js';

const T0 = 1_800_000_000_000;

function entry(userId: string, storedAtMs = T0): CachedSession {
  const authenticated: Authenticated = {
    sessionId: `session-of-${userId}`,
    actor: { userId, username: userId, role: 'staff' },
    mustChangePassword: false,
    mfaEnabled: false,
    mfaEnrolmentRequired: false,
    mfaVerifiedAt: null,
    csrfToken: 'csrf',
  };
  return { authenticated, expiresAtMs: storedAtMs + 3_600_000, lastSeenMs: storedAtMs, storedAtMs };
}

function listeningCache(ttlMs = 10_000, maxEntries = 100): { cache: SessionCache; lookups: SessionLookup[] } {
  const lookups: SessionLookup[] = [];
  const cache = new SessionCache({ ttlMs, maxEntries, onLookup: (result) => lookups.push(result) });
  cache.setListening(true);
  return { cache, lookups };
}

describe('session cache', () => {
  it('answers a stored session until its time to live has passed, counting hits and misses', () => {
    const { cache, lookups } = listeningCache(10_000);
    cache.store('hash-a', entry('ana'), cache.currentGeneration());
    expect(cache.find('hash-a', T0 + 9_999)?.authenticated.actor.userId).toBe('ana');
    expect(cache.find('hash-a', T0 + 10_000)).toBeUndefined();
    expect(cache.find('hash-a', T0 + 1)).toBeUndefined();
    expect(lookups).toEqual(['hit', 'miss', 'miss']);
  });

  it('forgets every session of a changed user, and only theirs', () => {
    const { cache } = listeningCache();
    const generation = cache.currentGeneration();
    cache.store('ana-desk', entry('ana'), generation);
    cache.store('ana-tablet', entry('ana'), generation);
    cache.store('ben-desk', entry('ben'), generation);
    cache.changed('ana');
    expect(cache.find('ana-desk', T0)).toBeUndefined();
    expect(cache.find('ana-tablet', T0)).toBeUndefined();
    expect(cache.find('ben-desk', T0)?.authenticated.actor.userId).toBe('ben');
  });

  it('does not keep a read that a change overtook: the database answered before the change committed', () => {
    const { cache } = listeningCache();
    const readBegan = cache.currentGeneration();
    cache.changed('ana');
    cache.store('ana-desk', entry('ana'), readBegan);
    expect(cache.find('ana-desk', T0)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('answers nothing while change notifications are not arriving, and starts empty when they are back', () => {
    const { cache, lookups } = listeningCache();
    cache.store('ana-desk', entry('ana'), cache.currentGeneration());
    const readBegan = cache.currentGeneration();
    cache.setListening(false);
    expect(cache.find('ana-desk', T0)).toBeUndefined();
    cache.store('ben-desk', entry('ben'), cache.currentGeneration());
    cache.setListening(true);
    cache.store('ana-desk', entry('ana'), readBegan);
    expect(cache.size).toBe(0);
    expect(lookups).toEqual(['bypass']);
  });

  it('keeps at most maxEntries sessions, dropping the oldest first', () => {
    const { cache } = listeningCache(10_000, 2);
    const generation = cache.currentGeneration();
    cache.store('first', entry('ana'), generation);
    cache.store('second', entry('ben'), generation);
    cache.store('third', entry('cai'), generation);
    expect(cache.size).toBe(2);
    expect(cache.find('first', T0)).toBeUndefined();
    expect(cache.find('third', T0)?.authenticated.actor.userId).toBe('cai');
    // The dropped session's user index went with it: a change of ana's touches nobody else.
    cache.changed('ana');
    expect(cache.size).toBe(2);
  });

  it('is off with a time to live of 0: nothing stored, nothing counted', () => {
    const { cache, lookups } = listeningCache(0);
    cache.store('ana-desk', entry('ana'), cache.currentGeneration());
    expect(cache.find('ana-desk', T0)).toBeUndefined();
    expect(cache.enabled).toBe(false);
    expect(lookups).toEqual([]);
  });
});
