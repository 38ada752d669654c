/**
 * A small in-process cache whose entries live `ttlMs`: the dashboard is asked for on every start page,
 * and its counts may be a few seconds old. Concurrent misses of one key share one load; a failed load
 * is not kept. Keys are few (one per role), so nothing is evicted but by expiry.
 *
 * In-process means each instance computes its own figures; issue 8 moves this behind the shared
 * cache interface (Redis when redis.url is set), keeping the key `dashboard:<role>`.
 */
export class TtlCache<Value> {
  private readonly entries = new Map<
    string,
    { readonly expiresAt: number; readonly value: Promise<Value> }
  >();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly onLookup: (result: 'hit' | 'miss') => void = () => undefined,
  ) {}

  getOrLoad(key: string, load: () => Promise<Value>): Promise<Value> {
    const now = this.now();
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > now) {
      this.onLookup('hit');
      return entry.value;
    }
    this.onLookup('miss');
    const value = load();
    this.entries.set(key, { expiresAt: now + this.ttlMs, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
