import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../../tests/support/databases.js';
import { statementText, type Queryable, type Statement } from '../../db/index.js';
import { AuditBatchWriter } from './audit-batch-writer.js';
import type { AuditEventRow } from './audit.repository.js';

const row = (action: string, details: Record<string, unknown> = {}): AuditEventRow => ({
  action,
  outcome: 'success',
  actorUserId: null,
  actorUsername: 'batch-test',
  actorRole: null,
  entityType: 'patient',
  entityId: null,
  patientId: null,
  clientAddress: null,
  requestId: null,
  details,
});

describe.each(DATABASE_KINDS)('stand-alone audit rows written in batches on %s', (kind) => {
  let database: TestDatabase;
  const statements: string[] = [];
  /** The database, counting the INSERTs the writer sends. */
  let counted: Queryable;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    counted = {
      query: async (statement: Statement, values?: readonly unknown[]) => {
        const text = statementText(statement);
        if (text.startsWith('INSERT INTO audit_events')) statements.push(text);
        return database.db.query(statement, values);
      },
    };
  });
  afterAll(async () => database?.close());

  const stored = async (prefix: string): Promise<string[]> =>
    (
      await database.db.query<{ action: string }>(
        'SELECT action FROM audit_events WHERE action LIKE $1 ORDER BY id',
        [`${prefix}%`],
      )
    ).rows.map((found) => found.action);

  it('stores every row before its promise resolves, in arrival order, in fewer INSERTs than rows', async () => {
    const writer = new AuditBatchWriter(counted);
    statements.length = 0;
    const actions = Array.from({ length: 60 }, (_unused, index) => `BATCH_${String(index).padStart(2, '0')}`);
    await Promise.all(actions.map((action) => writer.write(row(action))));
    expect(await stored('BATCH_')).toEqual(actions);
    // The first goes at once, the other 59 wait for it and go together.
    expect(statements.length).toBeGreaterThan(1);
    expect(statements.length).toBeLessThan(actions.length);
  });

  it('fails only the request whose row the database refuses', async () => {
    const writer = new AuditBatchWriter(counted);
    const outcomes = await Promise.allSettled([
      writer.write(row('GOOD_FIRST')),
      writer.write(row('GOOD_SECOND')),
      // A NUL character is refused by PostgreSQL in text and jsonb.
      writer.write(row('BAD\u0000ROW')),
      writer.write(row('GOOD_THIRD')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(await stored('GOOD_')).toEqual(['GOOD_FIRST', 'GOOD_SECOND', 'GOOD_THIRD']);
  });
});
