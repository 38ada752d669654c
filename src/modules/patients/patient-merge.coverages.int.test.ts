import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCoverage } from '../../../tests/support/billing-factories.js';
import { bearer, registerPatient } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { mergePatients, undoMerge } from '../../../tests/support/merge-factories.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

/** Two records of one person holding the same insurance policy: the merge keeps one coverage in force. */
describe.each(DATABASE_KINDS)('merging patients who hold the same policy on %s', (kind) => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    admin = await t.adminToken();
  });
  afterAll(async () => t?.close());

  const coverages = async (patientId: string): Promise<{ id: string; policyNumber: string }[]> => {
    const response = await t.app.api.inject({
      method: 'GET',
      url: `/api/v1/patients/${patientId}/coverages`,
      headers: bearer(admin),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().items;
  };

  it('supersedes the duplicate coverage by the survivor’s, keeps other policies, and undo revives it', async () => {
    const survivor = await registerPatient(t, admin, { name: 'Imogen Twinpolicy' });
    const merged = await registerPatient(t, admin, { name: 'Imogen Twin-Policy' });
    const kept = await addCoverage(t, admin, survivor.id, {
      provider: 'Acme Health',
      policyNumber: 'SAME-1',
    });
    const twin = await addCoverage(t, admin, merged.id, { provider: 'ACME HEALTH', policyNumber: 'SAME-1' });
    const other = await addCoverage(t, admin, merged.id, {
      provider: 'Acme Health',
      policyNumber: 'OTHER-2',
    });

    const merge = await mergePatients(t, admin, survivor.id, merged.id);
    expect(merge.statusCode, merge.body).toBe(201);
    expect((await coverages(survivor.id)).map((coverage) => coverage.id).sort()).toEqual(
      [kept.id, other.id].sort(),
    );
    const stored = await t.database.db.query<{ patient_id: string; superseded_by: string | null }>(
      'SELECT patient_id, superseded_by FROM insurance_coverages WHERE id = $1',
      [twin.id],
    );
    expect(stored.rows[0]).toEqual({ patient_id: survivor.id, superseded_by: kept.id });
    // The survivor still holds the policy once: adding it again is refused as before.
    const again = await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/patients/${survivor.id}/coverages`,
      headers: bearer(admin),
      payload: {
        provider: 'Acme Health',
        policyNumber: 'SAME-1',
        coverageBasisPoints: 5000,
        validFrom: '2020-01-01',
      },
    });
    expect(again.statusCode).toBe(409);

    const undone = await undoMerge(t, admin, merge.json().id);
    expect(undone.statusCode, undone.body).toBe(200);
    expect((await coverages(merged.id)).map((coverage) => coverage.id).sort()).toEqual(
      [twin.id, other.id].sort(),
    );
    expect((await coverages(survivor.id)).map((coverage) => coverage.id)).toEqual([kept.id]);
  });
});
