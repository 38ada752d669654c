import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  POSTGRES_AVAILABLE,
  servicesRequired,
  type TestDatabase,
} from '../../tests/support/databases.js';
import { insertAuditEvents, type AuditEventRow } from '../modules/audit/audit.repository.js';
import { findPatientById } from '../modules/patients/patients.repository.js';
import { prepared } from './database.js';
import { migrate } from './migrator.js';
import type { Database } from './database.js';

const row = (action: string): AuditEventRow => ({
  action,
  outcome: 'success',
  actorUserId: null,
  actorUsername: 'prepared.test',
  actorRole: 'staff',
  entityType: null,
  entityId: null,
  patientId: null,
  clientAddress: null,
  requestId: null,
  details: { action },
});

describe.runIf(POSTGRES_AVAILABLE || servicesRequired)('prepared statements on PostgreSQL', () => {
  let pool: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    // One connection, so that what it has prepared is what pg_prepared_statements lists.
    pool = await createTestDatabase('postgres', { migrated: false, maximumPoolSize: 1 });
    db = pool.db;
    await migrate(db);
  });
  afterAll(async () => pool?.close());

  const preparedNames = async (): Promise<string[]> =>
    (await db.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name')).rows.map(
      (found) => found.name,
    );

  it('prepares the patient read and the audit insert once per connection and runs them again', async () => {
    expect(await preparedNames()).toEqual([]);
    expect(await findPatientById(db, '00000000-0000-4000-8000-000000000000')).toBeUndefined();
    await insertAuditEvents(db, [row('PREPARED_A')]);
    await insertAuditEvents(db, [row('PREPARED_B'), row('PREPARED_C'), row('PREPARED_D')]);
    expect(await findPatientById(db, '00000000-0000-4000-8000-000000000001')).toBeUndefined();
    expect(await preparedNames()).toEqual(['audit.insert-events', 'patients.find-by-id']);
    // One statement text for any number of rows, kept in the order given.
    const stored = await db.query<{ action: string; details: { action: string } }>(
      "SELECT action, details FROM audit_events WHERE action LIKE 'PREPARED_%' ORDER BY id",
    );
    expect(stored.rows).toEqual(
      ['PREPARED_A', 'PREPARED_B', 'PREPARED_C', 'PREPARED_D'].map((action) => ({
        action,
        details: { action },
      })),
    );
  });

  it('refuses a second text under a name already prepared', async () => {
    await db.query(prepared('test.one', 'SELECT 1 AS n'));
    await expect(db.query(prepared('test.one', 'SELECT 2 AS n'))).rejects.toThrow(/test\.one/);
  });
});
