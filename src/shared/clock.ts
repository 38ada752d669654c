/**
 * The time as services see it. Injected so that tests can move it (session timeouts, TOTP steps)
 * without waiting; production uses the system clock.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
