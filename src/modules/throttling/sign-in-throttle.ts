import type { AppConfig } from '../../config/load.js';
import type { Loggers } from '../../observability/logger.js';
import { digestOf, secondsUntilWindowEnds, type ThrottleStore } from './throttle-store.js';

/** An account that signed in from an address is "known" there for this long (ward workstations). */
export const KNOWN_ADDRESS_TTL_MS = 30 * 86_400_000;

export type SignInScope = 'login-account' | 'login-address';

export interface SignInAttempt {
  /** The username as typed, normalised (lower case, trimmed); undefined when the route has none. */
  readonly account: string | undefined;
  readonly clientAddress: string;
  readonly requestId: string;
}

/** What `begin` reserved: handed back to `settle` once the outcome is known. */
export interface SignInTicket {
  readonly attempt: SignInAttempt;
  readonly buckets: readonly string[];
}

export type SignInDecision =
  | { readonly allowed: true; readonly ticket: SignInTicket }
  | { readonly allowed: false; readonly scope: SignInScope; readonly retryAfterSeconds: number };

/** How a sign-in ended, as far as throttling cares. */
export type SignInOutcome = 'succeeded' | 'failed' | 'not-a-credential-check';

export interface SignInThrottleEvents {
  onThrottled(scope: SignInScope): void;
  onBruteForce(): void;
}

type Limits = Pick<AppConfig['security'], 'throttle' | 'bruteForce'>;

/**
 * The sign-in throttle and brute-force detector (docs/decisions/throttling-and-lockout.md).
 *
 * Each attempt first reserves one hit on its (account, address) and (address) counters, so concurrent
 * attempts cannot slip past a limit between check and count; the reservation is kept for a failure,
 * given back for anything that was not a credential check, and a success clears the (account, address)
 * counter and marks the address as known for the account. Over the (account, address) limit the
 * attempt is refused before the password is checked, so it neither reveals anything nor counts towards
 * the account lockout. Over the address limit, only accounts not known at that address are refused:
 * an attacker on a ward's shared address cannot stop the ward's own staff from signing in.
 */
export class SignInThrottle {
  constructor(
    private readonly store: ThrottleStore,
    private readonly limits: Limits,
    private readonly loggers: Loggers,
    private readonly events: SignInThrottleEvents,
    private readonly clockMs: () => number = Date.now,
  ) {}

  async begin(attempt: SignInAttempt): Promise<SignInDecision> {
    const { windowMs, perAccount, perAddress } = this.limits.throttle.login;
    const now = this.clockMs();
    const pair = attempt.account ? this.pairBucket(attempt.account, attempt.clientAddress) : undefined;
    const address = `login-address:${attempt.clientAddress}`;
    const buckets = pair ? [pair, address] : [address];
    const counts = await this.store.add(
      buckets.map((bucket) => ({ bucket, windowMs, amount: 1 })),
      now,
    );
    const pairCount = pair ? counts[0]! : 0;
    const addressCount = counts[counts.length - 1]!;
    const refuse = async (scope: SignInScope, bucket: string, count: number): Promise<SignInDecision> => {
      this.events.onThrottled(scope);
      await this.reportRepeatedFailures(attempt, scope, bucket, count - 1);
      return { allowed: false, scope, retryAfterSeconds: secondsUntilWindowEnds(now, windowMs) };
    };
    if (pair && pairCount > perAccount) return refuse('login-account', pair, pairCount);
    if (addressCount > perAddress) {
      const known =
        attempt.account !== undefined &&
        (await this.store.isMarked(this.knownBucket(attempt.account, attempt.clientAddress), now));
      if (!known) return refuse('login-address', address, addressCount);
    }
    return { allowed: true, ticket: { attempt, buckets } };
  }

  async settle(ticket: SignInTicket, outcome: SignInOutcome): Promise<void> {
    const { windowMs } = this.limits.throttle.login;
    const now = this.clockMs();
    const { attempt } = ticket;
    switch (outcome) {
      case 'succeeded': {
        const [pair, address] = ticket.buckets.length === 2 ? ticket.buckets : [undefined, ticket.buckets[0]];
        if (pair) await this.store.reset(pair, windowMs, now);
        if (address) await this.store.add([{ bucket: address, windowMs, amount: -1 }], now);
        if (attempt.account) {
          await this.store.mark(
            this.knownBucket(attempt.account, attempt.clientAddress),
            KNOWN_ADDRESS_TTL_MS,
            now,
          );
        }
        return;
      }
      case 'not-a-credential-check':
        await this.store.add(
          ticket.buckets.map((bucket) => ({ bucket, windowMs, amount: -1 })),
          now,
        );
        return;
      case 'failed':
        await this.detectSpreadAttacks(attempt, now);
        return;
      default: {
        const unexpected: never = outcome;
        throw new Error(`unknown sign-in outcome ${String(unexpected)}`);
      }
    }
  }

  private pairBucket(account: string, clientAddress: string): string {
    return `login-account:${digestOf(account)}:${clientAddress}`;
  }

  private knownBucket(account: string, clientAddress: string): string {
    return `login-known:${digestOf(account)}:${clientAddress}`;
  }

  /** One address against many accounts, or one account from many addresses. */
  private async detectSpreadAttacks(attempt: SignInAttempt, now: number): Promise<void> {
    if (!attempt.account) return;
    const { windowMs, accountsPerAddress, addressesPerAccount } = this.limits.bruteForce;
    const accountDigest = digestOf(attempt.account);
    const accounts = await this.store.addMember(
      `bf-accounts:${attempt.clientAddress}`,
      accountDigest,
      windowMs,
      now,
    );
    if (accounts >= accountsPerAddress) {
      await this.reportOnce(`bf-accounts:${attempt.clientAddress}`, windowMs, now, attempt, {
        pattern: 'many-accounts',
        distinctAccounts: accounts,
        reason: `failed sign-ins to ${accounts} accounts from one address within ${minutes(windowMs)}`,
      });
    }
    const addresses = await this.store.addMember(
      `bf-addresses:${accountDigest}`,
      attempt.clientAddress,
      windowMs,
      now,
    );
    if (addresses >= addressesPerAccount) {
      await this.reportOnce(`bf-addresses:${accountDigest}`, windowMs, now, attempt, {
        pattern: 'many-addresses',
        distinctAddresses: addresses,
        reason: `failed sign-ins to one account from ${addresses} addresses within ${minutes(windowMs)}`,
      });
    }
  }

  private async reportRepeatedFailures(
    attempt: SignInAttempt,
    scope: SignInScope,
    bucket: string,
    failures: number,
  ): Promise<void> {
    const { windowMs } = this.limits.throttle.login;
    this.loggers.security('AUTHENTICATION_FAILED', {
      username: attempt.account,
      clientAddress: attempt.clientAddress,
      requestId: attempt.requestId,
      reason: 'too many failed sign-ins: refused before the password check (429)',
    });
    await this.reportOnce(bucket, windowMs, this.clockMs(), attempt, {
      pattern: scope === 'login-account' ? 'repeated-failures' : 'many-failures-from-address',
      failures,
      reason:
        scope === 'login-account'
          ? `${failures} failed sign-ins to one account from one address within ${minutes(windowMs)}`
          : `${failures} failed sign-ins from one address within ${minutes(windowMs)}`,
    });
  }

  /** Writes BRUTE_FORCE once per bucket and window, however many requests cross the threshold. */
  private async reportOnce(
    bucket: string,
    windowMs: number,
    now: number,
    attempt: SignInAttempt,
    fields: Record<string, unknown>,
  ): Promise<void> {
    const [seen] = await this.store.add([{ bucket: `reported:${bucket}`, windowMs, amount: 1 }], now);
    if (seen !== 1) return;
    this.events.onBruteForce();
    this.loggers.security('BRUTE_FORCE', {
      username: attempt.account,
      clientAddress: attempt.clientAddress,
      requestId: attempt.requestId,
      ...fields,
    });
  }
}

function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}
