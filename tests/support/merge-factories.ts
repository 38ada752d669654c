import type { LightMyRequestResponse } from 'fastify';
import { bearer } from './clinical-factories.js';
import type { TestApp } from './test-app.js';

/** Small helpers for the patient merge tests. */

export async function mergePatients(
  t: TestApp,
  token: string,
  survivorId: string,
  mergedId: string,
): Promise<LightMyRequestResponse> {
  return t.app.api.inject({
    method: 'POST',
    url: '/api/v1/patients/merges',
    headers: bearer(token),
    payload: { survivorId, mergedId, reason: 'Registered twice at the front desk' },
  });
}

export async function undoMerge(t: TestApp, token: string, mergeId: string): Promise<LightMyRequestResponse> {
  return t.app.api.inject({
    method: 'POST',
    url: `/api/v1/patients/merges/${mergeId}/undo`,
    headers: bearer(token),
  });
}

export interface PatientMergeState {
  readonly archived: boolean;
  readonly merged_into_patient_id: string | null;
}

export async function patientMergeState(t: TestApp, patientId: string): Promise<PatientMergeState> {
  const result = await t.database.db.query<PatientMergeState>(
    'SELECT archived, merged_into_patient_id FROM patients WHERE id = $1',
    [patientId],
  );
  return result.rows[0]!;
}

export async function patientMergeCount(t: TestApp): Promise<number> {
  const result = await t.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM patient_merges');
  return result.rows[0]!.n;
}
