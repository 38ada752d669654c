import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPatient } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import {
  mergePatients,
  patientMergeCount,
  patientMergeState,
  undoMerge,
} from '../../../tests/support/merge-factories.js';
import { patientLinkSnapshot } from '../../../tests/support/patient-links.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

// Tables that no code of the merge knows of, as a later migration would add them: a wristband (one per
// patient, with an optimistic-lock version) and consents keyed by (patient, kind).
const LATER_TABLES = `
  CREATE TABLE later_wristbands (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id uuid NOT NULL UNIQUE REFERENCES patients (id),
    code       text NOT NULL,
    version    integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE later_consents (
    patient_id uuid NOT NULL REFERENCES patients (id),
    kind       text NOT NULL,
    PRIMARY KEY (patient_id, kind)
  );`;

describe.each(DATABASE_KINDS)('merges over tables found in the catalog on %s', (kind) => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    admin = await t.adminToken();
    await t.database.db.executeScript(LATER_TABLES);
  });
  afterAll(async () => t?.close());

  async function rows(sql: string, params: unknown[]): Promise<unknown[]> {
    return (await t.database.db.query(sql, params)).rows;
  }

  it('moves and moves back rows of tables added after it was written, composite keys included', async () => {
    const survivor = await registerPatient(t, admin, { name: 'Ida Lindqvist' });
    const merged = await registerPatient(t, admin, { name: 'Ida Lindkvist' });
    await t.database.db.query("INSERT INTO later_wristbands (patient_id, code) VALUES ($1, 'WB-1')", [
      merged.id,
    ]);
    await t.database.db.query(
      "INSERT INTO later_consents (patient_id, kind) VALUES ($1, 'surgery'), ($1, 'research'), ($2, 'photos')",
      [merged.id, survivor.id],
    );

    const merging = await mergePatients(t, admin, survivor.id, merged.id);
    expect(merging.statusCode, merging.body).toBe(201);
    expect(merging.json().moved).toEqual(
      expect.arrayContaining([
        { table: 'later_consents', column: 'patient_id', count: 2 },
        { table: 'later_wristbands', column: 'patient_id', count: 1 },
      ]),
    );
    expect(await rows('SELECT patient_id, version FROM later_wristbands WHERE code = $1', ['WB-1'])).toEqual([
      { patient_id: survivor.id, version: 2 },
    ]);
    expect(
      await rows('SELECT kind FROM later_consents WHERE patient_id = $1 ORDER BY kind', [survivor.id]),
    ).toEqual([{ kind: 'photos' }, { kind: 'research' }, { kind: 'surgery' }]);

    // Given to the survivor after the merge: stays with the survivor.
    await t.database.db.query("INSERT INTO later_consents (patient_id, kind) VALUES ($1, 'teaching')", [
      survivor.id,
    ]);
    const undoing = await undoMerge(t, admin, merging.json().id);
    expect(undoing.statusCode, undoing.body).toBe(200);
    expect(
      await rows('SELECT patient_id, kind FROM later_consents WHERE patient_id IN ($1, $2) ORDER BY kind', [
        survivor.id,
        merged.id,
      ]),
    ).toEqual([
      { patient_id: survivor.id, kind: 'photos' },
      { patient_id: merged.id, kind: 'research' },
      { patient_id: merged.id, kind: 'surgery' },
      { patient_id: survivor.id, kind: 'teaching' },
    ]);
    expect(await rows('SELECT patient_id FROM later_wristbands WHERE code = $1', ['WB-1'])).toEqual([
      { patient_id: merged.id },
    ]);
  });

  it('refuses with 409, changing nothing, when moving would break a rule of such a table', async () => {
    const survivor = await registerPatient(t, admin, { name: 'Jakob Nilsson' });
    const merged = await registerPatient(t, admin, { name: 'Jacob Nilsson' });
    await t.database.db.query(
      "INSERT INTO later_wristbands (patient_id, code) VALUES ($1, 'WB-2'), ($2, 'WB-3')",
      [survivor.id, merged.id],
    );
    await t.database.db.query("INSERT INTO later_consents (patient_id, kind) VALUES ($1, 'surgery')", [
      merged.id,
    ]);
    const before = await patientLinkSnapshot(t);
    const mergesBefore = await patientMergeCount(t);

    const refused = await mergePatients(t, admin, survivor.id, merged.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(/later_wristbands/);
    expect(refused.json().detail).toMatch(/nothing was changed/);
    expect(await patientLinkSnapshot(t)).toEqual(before);
    expect(await patientMergeCount(t)).toBe(mergesBefore);
    expect(await patientMergeState(t, merged.id)).toEqual({ archived: false, merged_into_patient_id: null });
  });
});
