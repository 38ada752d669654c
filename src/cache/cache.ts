/**
 * The one cache interface behind cache-aside reads: an in-process map on a single instance, Redis
 * (standalone or Cluster) when several instances share it. Values are strings (JSON); what a key means
 * and how long it lives is decided in `keys.ts`, the protocol in `cached-reads.ts`.
 *
 * Implementations throw `CacheUnavailableError` when the store cannot answer (Redis down, a command
 * timed out); the caller treats that as "no cache" and reads PostgreSQL.
 */
export interface Cache {
  /** `in-process`, `redis` or `redis-cluster`, for health details and logs. */
  readonly mode: CacheMode;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Deletes each key on its own, so that keys of different cluster slots never meet in one command. */
  delete(keys: readonly string[]): Promise<void>;
  /**
   * The current token of a versioned namespace, created (random) when there is none. Entries are stored
   * under a key that includes the token, so replacing the token invalidates every entry of the namespace
   * at once, without listing keys (no KEYS or SCAN on the request path).
   */
  namespaceToken(namespaceKey: string, ttlMs: number): Promise<string>;
  /** Gives the namespace a new token: everything stored under the old one is unreachable from now on. */
  renewNamespace(namespaceKey: string, ttlMs: number): Promise<void>;
  /** Round trip to every node that holds data; throws CacheUnavailableError naming what failed. */
  ping(): Promise<CachePing>;
  close(): Promise<void>;
}

export type CacheMode = 'in-process' | 'redis' | 'redis-cluster';

export interface CachePing {
  readonly responseTimeMs: number;
  /** Each node probed (one for standalone Redis, every master of a cluster). */
  readonly nodes: readonly { readonly address: string; readonly up: boolean; readonly error?: string }[];
}

/** The cache store did not answer; callers serve from PostgreSQL instead. */
export class CacheUnavailableError extends Error {
  override name = 'CacheUnavailableError';
}
