/**
 * Automatic sign-out after `security.session.idle-timeout` without user activity. The decisions are
 * pure functions of times so that they are tested without a browser; the hook in
 * app/session/idle-guard.tsx feeds them the clock.
 */

export interface IdlePolicy {
  /** The server's idle timeout. */
  readonly timeoutMs: number;
  /** How long before the sign-out the warning shows. */
  readonly warningMs: number;
  /** Activity pings the server at most this often, so the server session lives while the user works. */
  readonly keepAliveMs: number;
}

/** A minute's warning, or a third of the timeout when that is shorter; keep-alive at a quarter of it. */
export function idlePolicy(timeoutSeconds: number): IdlePolicy {
  const timeoutMs = Math.max(1, timeoutSeconds) * 1000;
  return {
    timeoutMs,
    warningMs: Math.min(60_000, Math.round(timeoutMs / 3)),
    keepAliveMs: Math.min(60_000, Math.max(1000, Math.round(timeoutMs / 4))),
  };
}

export type IdleState =
  | { readonly kind: 'active' }
  | { readonly kind: 'warning'; readonly remainingMs: number }
  | { readonly kind: 'expired' };

/** Where the user stands `nowMs`, having last been active at `lastActivityMs`. */
export function idleState(policy: IdlePolicy, lastActivityMs: number, nowMs: number): IdleState {
  const idleMs = Math.max(0, nowMs - lastActivityMs);
  if (idleMs >= policy.timeoutMs) return { kind: 'expired' };
  const remainingMs = policy.timeoutMs - idleMs;
  if (remainingMs <= policy.warningMs) return { kind: 'warning', remainingMs };
  return { kind: 'active' };
}

/** Whether activity now should ping the server: it has not heard from us for keepAliveMs. */
export function shouldKeepAlive(policy: IdlePolicy, lastContactMs: number, nowMs: number): boolean {
  return nowMs - lastContactMs >= policy.keepAliveMs;
}

/** The latest activity across tabs: this tab's and the one another tab stored. */
export function latestActivity(own: number, stored: string | null): number {
  const other = stored === null ? NaN : Number(stored);
  return Number.isFinite(other) && other > own ? other : own;
}
