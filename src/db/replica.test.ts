import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../shared/errors.js';
import type { Database, PoolStatistics, Queryable, QueryResult } from './database.js';
import { ReplicaRoutedDatabase, replicaName, type ReadRoute } from './replica.js';

type Answer = (params: readonly unknown[] | undefined) => unknown[] | Promise<unknown[]>;

/** A Database whose answers are chosen by the first SQL fragment the statement contains. */
function fakeDatabase(answers: Record<string, Answer>): Database & { statements: string[] } {
  const statements: string[] = [];
  const run = async <Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>> => {
    statements.push(text);
    const match = Object.keys(answers).find((fragment) => text.includes(fragment));
    if (!match) return { rows: [], rowCount: 0 };
    const rows = (await answers[match]!(params)) as Row[];
    return { rows, rowCount: rows.length };
  };
  const connection: Queryable & { executeScript(sql: string): Promise<void> } = {
    query: run,
    executeScript: async () => undefined,
  };
  const stats: PoolStatistics = { active: 0, idle: 0, pending: 0, max: 1 };
  return {
    kind: 'postgres',
    statements,
    query: run,
    transaction: async (work) => work({ query: run, afterCommit: (callback) => callback() }),
    executeScript: async () => undefined,
    withConnection: async (work) => work(connection),
    ping: async () => 1,
    statistics: () => stats,
    connectionFailures: () => 0,
    listen: () => ({ close: async () => undefined }),
    close: async () => undefined,
  };
}

const standbyRow = { standby: true, received: '0/200', replayed: '0/200', sinceReplaySeconds: 30 };

function setup(replicaAnswers: Record<string, Answer>): {
  routed: ReplicaRoutedDatabase;
  primary: ReturnType<typeof fakeDatabase>;
  replica: ReturnType<typeof fakeDatabase>;
  routes: ReadRoute[];
} {
  const primary = fakeDatabase({
    pg_current_wal_flush_lsn: () => [{ lsn: '0/200' }],
    'FROM patients': () => [{ name: 'on the primary' }],
  });
  const replica = fakeDatabase({
    pg_is_in_recovery: () => [standbyRow],
    'FROM patients': () => [{ name: 'on the replica' }],
    ...replicaAnswers,
  });
  const routes: ReadRoute[] = [];
  const routed = new ReplicaRoutedDatabase(primary, replica, {
    name: 'db2:5432',
    maxLagMs: 5000,
    onRead: (route) => routes.push(route),
  });
  return { routed, primary, replica, routes };
}

describe('ReplicaRoutedDatabase', () => {
  it('sends no read to the replica before the monitor has seen it', async () => {
    const { routed, routes } = setup({});
    const result = await routed.query<{ name: string }>('SELECT name FROM patients');
    expect(result.rows[0]!.name).toBe('on the primary');
    expect(routes).toEqual([{ source: 'primary', reason: 'unknown' }]);
  });

  it('reads on the replica once it has replayed what the primary had flushed, checking on the same connection first', async () => {
    const { routed, replica, routes } = setup({ pg_last_wal_replay_lsn: () => [{ caughtUp: true }] });
    await routed.monitor.sample();
    expect(routed.status()).toMatchObject({
      reachable: true,
      standby: true,
      lagSeconds: 0,
      unusable: undefined,
    });
    const result = await routed.query<{ name: string }>('SELECT name FROM patients');
    expect(result.rows[0]!.name).toBe('on the replica');
    expect(routes).toEqual([{ source: 'replica' }]);
    const check = replica.statements.findIndex((sql) => sql.includes('>= $1::pg_lsn'));
    const read = replica.statements.findIndex((sql) => sql.includes('FROM patients'));
    expect(check).toBeGreaterThanOrEqual(0);
    expect(read).toBeGreaterThan(check);
  });

  it('goes to the primary when the replica has not caught up within the short wait', async () => {
    const { routed, routes } = setup({ '>= $1::pg_lsn': () => [{ caughtUp: false }] });
    await routed.monitor.sample();
    const result = await routed.query<{ name: string }>('SELECT name FROM patients');
    expect(result.rows[0]!.name).toBe('on the primary');
    expect(routes).toEqual([{ source: 'primary', reason: 'behind' }]);
  });

  it('goes to the primary and marks the replica down when a read cannot reach it', async () => {
    let reachable = true;
    const { routed, routes } = setup({
      '>= $1::pg_lsn': () => {
        if (!reachable) throw new ServiceUnavailableError();
        return [{ caughtUp: true }];
      },
    });
    await routed.monitor.sample();
    reachable = false;
    expect((await routed.query<{ name: string }>('SELECT name FROM patients')).rows[0]!.name).toBe(
      'on the primary',
    );
    expect(routed.status()).toMatchObject({ reachable: false, unusable: 'down' });
    await routed.query('SELECT name FROM patients');
    expect(routes).toEqual([
      { source: 'primary', reason: 'failed' },
      { source: 'primary', reason: 'down' },
    ]);
  });

  it('retries on the primary a read the standby cancelled for a replay conflict, and rethrows other errors', async () => {
    const conflict = Object.assign(new Error('canceling statement due to conflict with recovery'), {
      code: '40001',
    });
    const broken = Object.assign(new Error('column "nope" does not exist'), { code: '42703' });
    const { routed, routes } = setup({
      '>= $1::pg_lsn': () => [{ caughtUp: true }],
      'FROM patients': () => {
        throw conflict;
      },
      'FROM doctors': () => {
        throw broken;
      },
    });
    await routed.monitor.sample();
    expect((await routed.query<{ name: string }>('SELECT name FROM patients')).rows[0]!.name).toBe(
      'on the primary',
    );
    expect(routes).toEqual([{ source: 'primary', reason: 'failed' }]);
    await expect(routed.query('SELECT name FROM doctors')).rejects.toBe(broken);
  });

  it('does not use a server that is not in recovery, nor one lagging beyond the bound', async () => {
    const copy = setup({ pg_is_in_recovery: () => [{ ...standbyRow, standby: false }] });
    await copy.routed.monitor.sample();
    expect(copy.routed.status()).toMatchObject({
      standby: false,
      unusable: 'not-a-standby',
      lagSeconds: undefined,
    });

    // The primary cannot be asked: the replica judges itself (received ahead of replayed, last replay 30 s ago).
    const primary = fakeDatabase({});
    const replica = fakeDatabase({ pg_is_in_recovery: () => [{ ...standbyRow, received: '0/300' }] });
    const lagging = new ReplicaRoutedDatabase(primary, replica, { name: 'db2:5432', maxLagMs: 5000 });
    await lagging.monitor.sample();
    expect(lagging.status()).toMatchObject({ lagSeconds: 30, unusable: 'lagging' });
  });

  it('names the replica by host and port, never with its credentials', () => {
    expect(replicaName('postgres://medisys:secret@10.0.2.12:5433/medisys')).toBe('10.0.2.12:5433');
    expect(replicaName('postgres://medisys@db2/medisys')).toBe('db2:5432');
  });
});
