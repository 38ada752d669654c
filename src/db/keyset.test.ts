import { describe, expect, it } from 'vitest';
import { keysetRows } from './keyset.js';

describe('keysetRows', () => {
  const table = Array.from({ length: 23 }, (_, index) => ({ key: index + 1 }));
  const pagesOf = (calls: (number | undefined)[]) => async (after: number | undefined, limit: number) => {
    calls.push(after);
    return table.filter((row) => after === undefined || row.key > after).slice(0, limit);
  };

  it('reads every row once, each page after the last key of the one before', async () => {
    const calls: (number | undefined)[] = [];
    const rows: number[] = [];
    for await (const row of keysetRows({
      pageSize: 10,
      fetchPage: pagesOf(calls),
      keyOf: (row) => row.key,
    })) {
      rows.push(row.key);
    }
    expect(rows).toEqual(table.map((row) => row.key));
    expect(calls).toEqual([undefined, 10, 20]);
  });

  it('asks once more after a full last page, and stops at the empty one', async () => {
    const calls: (number | undefined)[] = [];
    const rows = [];
    for await (const row of keysetRows({
      pageSize: 23,
      fetchPage: pagesOf(calls),
      keyOf: (row) => row.key,
    })) {
      rows.push(row);
    }
    expect(rows).toHaveLength(23);
    expect(calls).toEqual([undefined, 23]);
  });

  it('reads the next page only when the consumer has taken the rows of the last one', async () => {
    const calls: (number | undefined)[] = [];
    const iterator = keysetRows({ pageSize: 10, fetchPage: pagesOf(calls), keyOf: (row) => row.key });
    for (let taken = 0; taken < 10; taken++) await iterator.next();
    expect(calls).toEqual([undefined]);
    await iterator.next();
    expect(calls).toEqual([undefined, 10]);
    await iterator.return(undefined);
    expect(calls).toHaveLength(2);
  });
});
