import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  POSTGRES_AVAILABLE,
  type TestDatabase,
} from '../../../tests/support/databases.js';
import { getReport } from '../../../tests/support/report-factories.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

/**
 * datasource.replica-url: reports and the dashboard read there, everything else (sign-in, access
 * decisions, the audit trail) stays on the primary. The "replica" here is a second database with
 * different rows, so that where each figure came from shows.
 */
describe.runIf(POSTGRES_AVAILABLE)('reports with a read replica configured', () => {
  let replica: TestDatabase;
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    replica = await createTestDatabase('postgres');
    t = await buildTestApp('postgres', { 'datasource.replica-url': replica.url! });
    token = await t.adminToken();
    await replica.db.query(
      `INSERT INTO patients (name, date_of_birth, created_at)
       SELECT 'Replica Patient ' || g, date '1990-01-01', timestamptz '2025-06-10T12:00:00Z' FROM generate_series(1, 3) g`,
    );
    await t.database.db.query(
      `INSERT INTO patients (name, date_of_birth, created_at) VALUES ('Primary Patient', '1990-01-01', '2025-06-10T12:00:00Z')`,
    );
  });
  afterAll(async () => {
    await t?.close();
    await replica?.close();
  });

  it('reads the figures from the replica and writes the audit record on the primary', async () => {
    const response = await getReport(t, token, 'patients', { from: '2025-06-01', to: '2025-06-30' });
    expect(response.statusCode).toBe(200);
    expect(response.json().totals.registrations).toBe(3);
    const rows = await getReport(t, token, 'patients', {
      from: '2025-06-01',
      to: '2025-06-30',
      format: 'csv',
      detail: 'rows',
    });
    expect(rows.body.trim().split('\n')).toHaveLength(1 + 3);
    const onPrimary = await t.database.db.query(
      `SELECT 1 FROM audit_events WHERE action = 'REPORT_GENERATED'`,
    );
    const onReplica = await replica.db.query(`SELECT 1 FROM audit_events WHERE action = 'REPORT_GENERATED'`);
    expect(onPrimary.rows).toHaveLength(2);
    expect(onReplica.rows).toHaveLength(0);
  });

  it('reads the dashboard from the replica too', async () => {
    const response = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/dashboard',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.json().patients.total).toBe(3);
  });
});
