import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  POSTGRES_AVAILABLE,
  type TestDatabase,
} from '../../../tests/support/databases.js';
import { getReport } from '../../../tests/support/report-factories.js';
import { eventually } from '../../../tests/support/processes.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

/**
 * datasource.replica-url pointing at a server that is not a standby (here a second database with
 * different rows): MediSys cannot tell how fresh it is, so reports, the dashboard and searches stay on
 * the primary and the health component says why. Reads served by a real streaming replica are shown by
 * tests/ops/read-replica.test.ts.
 */
describe.runIf(POSTGRES_AVAILABLE)('reports with a replica-url that is not a standby', () => {
  let notAStandby: TestDatabase;
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    notAStandby = await createTestDatabase('postgres');
    t = await buildTestApp('postgres', { 'datasource.replica-url': notAStandby.url! });
    token = await t.adminToken();
    await notAStandby.db.query(
      `INSERT INTO patients (name, date_of_birth, created_at)
       SELECT 'Copy Patient ' || g, date '1990-01-01', timestamptz '2025-06-10T12:00:00Z' FROM generate_series(1, 3) g`,
    );
    await t.database.db.query(
      `INSERT INTO patients (name, date_of_birth, created_at) VALUES ('Primary Patient', '1990-01-01', '2025-06-10T12:00:00Z')`,
    );
  });
  afterAll(async () => {
    await t?.close();
    await notAStandby?.close();
  });

  const health = async (): Promise<any> =>
    (await t.app.management.inject({ method: 'GET', url: '/actuator/health' })).json();

  it('reports the replica DOWN as not a standby while the instance stays UP', async () => {
    expect(
      await eventually(
        async () => (await health()).components.replica?.details?.reason === 'not-a-standby',
        5000,
      ),
    ).toBe(true);
    const report = await health();
    expect(report.status).toBe('UP');
    expect(report.components.replica).toMatchObject({ status: 'DOWN', details: { servingReads: false } });
  });

  it('reads report figures, the dashboard and searches from the primary, and audits on the primary', async () => {
    const response = await getReport(t, token, 'patients', { from: '2025-06-01', to: '2025-06-30' });
    expect(response.statusCode).toBe(200);
    expect(response.json().totals.registrations).toBe(1);
    const dashboard = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/dashboard',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(dashboard.json().patients.total).toBe(1);
    const search = await t.app.api.inject({
      method: 'GET',
      url: '/api/v1/patients?q=Patient',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(search.json().items.map((item: { name: string }) => item.name)).toEqual(['Primary Patient']);
    const onPrimary = await t.database.db.query(
      `SELECT 1 FROM audit_events WHERE action = 'REPORT_GENERATED'`,
    );
    const onCopy = await notAStandby.db.query(`SELECT 1 FROM audit_events WHERE action = 'REPORT_GENERATED'`);
    expect(onPrimary.rows).toHaveLength(1);
    expect(onCopy.rows).toHaveLength(0);
    const metrics = (await t.app.management.inject({ method: 'GET', url: '/actuator/prometheus' })).body;
    expect(metrics).toMatch(
      /medisys_db_replica_reads_total\{source="primary",reason="not-a-standby"\} [1-9]/,
    );
    expect(metrics).not.toMatch(/medisys_db_replica_reads_total\{source="replica"/);
  });
});
