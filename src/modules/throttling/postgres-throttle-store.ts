import type { Database } from '../../db/index.js';
import { windowStartOf, type BucketHit, type ThrottleStore } from './throttle-store.js';

/** Expired rows are removed at most this often per instance, by whichever request comes next. */
const PRUNE_INTERVAL_MS = 60_000;
/** Rows outlive their window a little, so that a slightly slow clock on another instance still finds them. */
const GRACE_MS = 5_000;

/**
 * Throttle counters in PostgreSQL (tables of migration 0016): one atomic upsert per call, so counts
 * from several instances add up without locks held across statements.
 */
export class PostgresThrottleStore implements ThrottleStore {
  readonly kind = 'postgres';
  private lastPruneMs = 0;

  constructor(private readonly db: Database) {}

  async add(hits: readonly BucketHit[], nowMs: number): Promise<number[]> {
    if (hits.length === 0) return [];
    await this.pruneNow(nowMs);
    const values: string[] = [];
    const params: unknown[] = [];
    hits.forEach((hit, index) => {
      const start = windowStartOf(nowMs, hit.windowMs);
      params.push(hit.bucket, start, hit.amount, start + hit.windowMs + GRACE_MS);
      const base = index * 4;
      values.push(`($${base + 1}, $${base + 2}::bigint, $${base + 3}::int, $${base + 4}::bigint, ${index})`);
    });
    // One statement for all buckets; the ordinal keeps the answer in the callers' order. A refund that
    // arrives after its window ended inserts a negative row, worth at most one extra attempt: harmless.
    const result = await this.db.query<{ hits: number; ordinal: number }>(
      `WITH input (bucket, window_start, amount, expires_at, ordinal) AS (VALUES ${values.join(', ')}),
       upserted AS (
         INSERT INTO throttle_counters (bucket, window_start, hits, expires_at)
         SELECT bucket, window_start, amount, expires_at FROM input
         ON CONFLICT (bucket, window_start)
           DO UPDATE SET hits = GREATEST(throttle_counters.hits + EXCLUDED.hits, 0)
         RETURNING bucket, window_start, hits
       )
       SELECT u.hits, i.ordinal FROM upserted u
         JOIN input i ON i.bucket = u.bucket AND i.window_start = u.window_start
        ORDER BY i.ordinal`,
      params,
    );
    const counts = new Array<number>(hits.length).fill(0);
    for (const row of result.rows) counts[Number(row.ordinal)] = Math.max(0, Number(row.hits));
    return counts;
  }

  async count(bucket: string, windowMs: number, nowMs: number): Promise<number> {
    const result = await this.db.query<{ hits: number }>(
      'SELECT hits FROM throttle_counters WHERE bucket = $1 AND window_start = $2',
      [bucket, windowStartOf(nowMs, windowMs)],
    );
    return Number(result.rows[0]?.hits ?? 0);
  }

  async reset(bucket: string, windowMs: number, nowMs: number): Promise<void> {
    await this.db.query('DELETE FROM throttle_counters WHERE bucket = $1 AND window_start = $2', [
      bucket,
      windowStartOf(nowMs, windowMs),
    ]);
  }

  async addMember(bucket: string, member: string, windowMs: number, nowMs: number): Promise<number> {
    const start = windowStartOf(nowMs, windowMs);
    await this.db.query(
      `INSERT INTO throttle_members (bucket, window_start, member, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [bucket, start, member, start + windowMs + GRACE_MS],
    );
    const result = await this.db.query<{ members: number }>(
      'SELECT count(*)::int AS members FROM throttle_members WHERE bucket = $1 AND window_start = $2',
      [bucket, start],
    );
    return Number(result.rows[0]?.members ?? 0);
  }

  async mark(bucket: string, ttlMs: number, nowMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO throttle_counters (bucket, window_start, hits, expires_at) VALUES ($1, 0, 1, $2)
       ON CONFLICT (bucket, window_start) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
      [bucket, nowMs + ttlMs],
    );
  }

  async isMarked(bucket: string, nowMs: number): Promise<boolean> {
    const result = await this.db.query(
      'SELECT 1 FROM throttle_counters WHERE bucket = $1 AND window_start = 0 AND expires_at > $2',
      [bucket, nowMs],
    );
    return result.rows.length > 0;
  }

  async close(): Promise<void> {
    // The database belongs to the application, which closes it.
  }

  private async pruneNow(nowMs: number): Promise<void> {
    if (Math.abs(nowMs - this.lastPruneMs) < PRUNE_INTERVAL_MS) return;
    this.lastPruneMs = nowMs;
    await this.db.query('DELETE FROM throttle_counters WHERE expires_at < $1', [nowMs]);
    await this.db.query('DELETE FROM throttle_members WHERE expires_at < $1', [nowMs]);
  }
}
