import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  POSTGRES_AVAILABLE,
  servicesRequired,
  type TestDatabase,
} from '../../tests/support/databases.js';

describe.runIf(POSTGRES_AVAILABLE || servicesRequired)('settings of pooled PostgreSQL connections', () => {
  let pool: TestDatabase;

  beforeAll(async () => {
    pool = await createTestDatabase('postgres', { migrated: false, maximumPoolSize: 3 });
  });
  afterAll(async () => pool?.close());

  it('turns off synchronised sequential scans on every connection, from its first query', async () => {
    // Three transactions open at once hold three distinct connections, each asked as its first query.
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const seen: { pid: number; setting: string; timeout: string }[] = [];
    const sessions = Array.from({ length: 3 }, () =>
      pool.db.transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number; setting: string; timeout: string }>(
          `SELECT pg_backend_pid() AS pid, current_setting('synchronize_seqscans') AS setting,
                  current_setting('statement_timeout') AS timeout`,
        );
        seen.push(rows[0]!);
        if (seen.length === 3) release();
        await held;
      }),
    );
    await Promise.all(sessions);
    expect(new Set(seen.map((session) => session.pid)).size).toBe(3);
    expect(seen.map((session) => session.setting)).toEqual(['off', 'off', 'off']);
    expect(seen.map((session) => session.timeout)).toEqual(['30s', '30s', '30s']);
  });
});
