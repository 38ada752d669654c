import type { Authenticated } from './auth.service.js';

/** The channel of migration 0021's triggers: the payload is the id of a user whose sessions changed. */
export const SESSION_CHANGES_CHANNEL = 'medisys_session_changes';

/** A session found valid in the database, as this instance remembers it. */
export interface CachedSession {
  readonly authenticated: Authenticated;
  readonly expiresAtMs: number;
  /** When the database last recorded use (this instance's touch or the value read): never later. */
  lastSeenMs: number;
  readonly storedAtMs: number;
}

export type SessionLookup = 'hit' | 'miss' | 'bypass';

/**
 * Told by the services that end a user's sessions or change what they allow, right after the change
 * commits, so that this instance stops trusting what it remembers at once (other instances learn it
 * from the database's notification a moment later).
 */
export interface SessionChanges {
  changed(userId: string): void;
}

export interface SessionCacheOptions {
  /** How long an entry is trusted at most, whatever the notifications say (0 turns the cache off). */
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly onLookup?: (result: SessionLookup) => void;
}

/**
 * Sessions this instance found valid in the last few seconds, so that a request is authenticated without
 * a database round trip. It is trusted only while the instance listens to the session-change
 * notifications (every instance hears, within milliseconds of the commit, that a user's sessions ended or
 * their role, lock or MFA changed, however the change was made); while not listening it answers nothing.
 * An entry lives at most `ttlMs`. A change notified while a session is being read from the database
 * wins: the read's result is not kept (the generation check in `store`).
 */
export class SessionCache implements SessionChanges {
  private readonly entries = new Map<string, CachedSession>();
  private readonly byUser = new Map<string, Set<string>>();
  private listening = false;
  private generation = 0;

  constructor(private readonly options: SessionCacheOptions) {}

  get enabled(): boolean {
    return this.options.ttlMs > 0;
  }

  /** The entry for a token's hash, if it is fresh; counts the lookup. */
  find(tokenHash: string, nowMs: number): CachedSession | undefined {
    if (!this.enabled) return undefined;
    if (!this.listening) {
      this.options.onLookup?.('bypass');
      return undefined;
    }
    const entry = this.entries.get(tokenHash);
    if (entry && nowMs - entry.storedAtMs < this.options.ttlMs && nowMs >= entry.storedAtMs) {
      this.options.onLookup?.('hit');
      return entry;
    }
    if (entry) this.remove(tokenHash, entry.authenticated.actor.userId);
    this.options.onLookup?.('miss');
    return undefined;
  }

  /** Call before reading a session from the database; pass the result to `store`. */
  currentGeneration(): number {
    return this.generation;
  }

  /** Keeps a session read from the database, unless a change was notified since the read began. */
  store(tokenHash: string, entry: CachedSession, readGeneration: number): void {
    if (!this.enabled || !this.listening || readGeneration !== this.generation) return;
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.entries().next().value;
      if (oldest) this.remove(oldest[0], oldest[1].authenticated.actor.userId);
    }
    const userId = entry.authenticated.actor.userId;
    this.entries.set(tokenHash, entry);
    let tokens = this.byUser.get(userId);
    if (!tokens) this.byUser.set(userId, (tokens = new Set()));
    tokens.add(tokenHash);
  }

  /** A user's sessions changed (notified, or changed by this instance): forget every one of them. */
  changed(userId: string): void {
    this.generation += 1;
    for (const tokenHash of this.byUser.get(userId) ?? []) this.entries.delete(tokenHash);
    this.byUser.delete(userId);
  }

  /** Whether change notifications are arriving; losing them empties the cache until they are back. */
  setListening(listening: boolean): void {
    if (!listening) {
      this.generation += 1;
      this.entries.clear();
      this.byUser.clear();
    }
    this.listening = listening;
  }

  get size(): number {
    return this.entries.size;
  }

  private remove(tokenHash: string, userId: string): void {
    this.entries.delete(tokenHash);
    const tokens = this.byUser.get(userId);
    tokens?.delete(tokenHash);
    if (tokens?.size === 0) this.byUser.delete(userId);
  }
}
