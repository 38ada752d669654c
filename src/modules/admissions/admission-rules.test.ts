import { describe, expect, it } from 'vitest';
import { arrivalProblems, canTransition, eventTime, eventTimeProblems } from './admission-rules.js';

describe('admission rules', () => {
  it.each([
    ['admitted', 'transferred', true],
    ['admitted', 'discharged', true],
    ['transferred', 'transferred', true],
    ['transferred', 'discharged', true],
    ['discharged', 'transferred', false],
    ['discharged', 'discharged', false],
    ['transferred', 'admitted', false],
    ['discharged', 'admitted', false],
  ] as const)('%s -> %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  const now = new Date('2026-11-26T23:40:00Z');

  it('accepts an arrival up to five minutes ahead (clock drift) and up to 30 days back', () => {
    expect(arrivalProblems('2026-11-26T23:44:00Z', now)).toEqual([]);
    expect(arrivalProblems('2026-10-28T00:00:00Z', now)).toEqual([]);
    expect(arrivalProblems('2026-11-26T23:50:00Z', now)[0]?.field).toBe('arrivedAt');
    expect(arrivalProblems('2026-10-01T00:00:00Z', now)[0]?.field).toBe('arrivedAt');
  });

  it('puts a transition after the previous movement and not in the future', () => {
    const previous = new Date('2026-11-26T22:00:00Z');
    expect(eventTimeProblems('2026-11-26T21:59:59Z', previous, now)[0]?.field).toBe('at');
    expect(eventTimeProblems('2026-11-27T01:00:00Z', previous, now)[0]?.field).toBe('at');
    expect(eventTimeProblems('2026-11-26T23:00:00Z', previous, now)).toEqual([]);
    const futureArrival = new Date('2026-11-26T23:42:00Z');
    expect(eventTime(undefined, futureArrival, now)).toBe(futureArrival.toISOString());
    expect(eventTime(undefined, previous, now)).toBe(now.toISOString());
  });
});
