import { randomUUID } from 'node:crypto';
import type { Cache, CachePing } from './cache.js';

interface Entry {
  readonly value: string;
  readonly expiresAt: number;
}

/** Enough for every patient read in a busy few minutes; the oldest entry goes first beyond it. */
const DEFAULT_MAX_ENTRIES = 20_000;

/**
 * The cache of a single instance (no redis.url): a Map with expiry, bounded by entry count with the
 * least recently used entry evicted first. Several instances must share Redis instead: a write through
 * one instance cannot reach another one's memory.
 */
export class InProcessCache implements Cache {
  readonly mode = 'in-process' as const;
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: { readonly maxEntries?: number; readonly now?: () => number } = {}) {}

  async get(key: string): Promise<string | undefined> {
    return this.read(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.write(key, value, ttlMs);
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
  }

  async namespaceToken(namespaceKey: string, ttlMs: number): Promise<string> {
    const current = this.read(namespaceKey);
    if (current !== undefined) return current;
    const token = randomUUID();
    this.write(namespaceKey, token, ttlMs);
    return token;
  }

  async renewNamespace(namespaceKey: string, ttlMs: number): Promise<void> {
    this.write(namespaceKey, randomUUID(), ttlMs);
  }

  async ping(): Promise<CachePing> {
    return { responseTimeMs: 0, nodes: [{ address: 'in-process', up: true }] };
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  /** Entries held now, expired ones included until they are looked at or evicted. */
  get size(): number {
    return this.entries.size;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private read(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    // Map keeps insertion order: re-inserting makes this the most recently used entry.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  private write(key: string, value: string, ttlMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    const limit = this.options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    while (this.entries.size > limit) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
