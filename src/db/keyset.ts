/**
 * Reads a large result page by page, each page continuing after the last key of the one before
 * (keyset or "seek" pagination). It needs nothing beyond `query`, so it works the same on node-postgres
 * and PGlite; it holds no connection or transaction between pages (PGlite's single connection stays
 * free for other requests), and it keeps one page in memory at a time: the next page is fetched only
 * when the consumer has taken every row of the last one, so a slow reader slows the reads down instead
 * of filling memory.
 *
 * Pages are not one snapshot: a row committed meanwhile after the current key may appear, and no row
 * appears twice as long as the key is unique and the order is the key's order.
 */
export async function* keysetRows<Row, Key>(options: {
  /** Rows per query; a few thousand keeps round trips few and memory small. */
  readonly pageSize: number;
  /** The first `limit` rows ordered by key, after `after` (undefined: from the start). */
  readonly fetchPage: (after: Key | undefined, limit: number) => Promise<readonly Row[]>;
  readonly keyOf: (row: Row) => Key;
}): AsyncGenerator<Row, void, undefined> {
  let after: Key | undefined;
  for (;;) {
    const page = await options.fetchPage(after, options.pageSize);
    for (const row of page) yield row;
    if (page.length < options.pageSize) return;
    after = options.keyOf(page[page.length - 1]!);
  }
}
