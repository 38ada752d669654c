import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userIdOf } from '../../../tests/support/care-factories.js';
import { bearer, registerPatient } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

const REASON = 'Unconscious on arrival, no relatives reachable, need allergies now';

describe.each(DATABASE_KINDS)('breaking the glass on %s', (kind) => {
  let t: TestApp;
  let staff: string;
  let doctor: string;
  let admin: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    staff = await t.userToken('staff');
    doctor = await t.userToken('doctor');
    admin = await t.adminToken();
  });
  afterAll(async () => t?.close());

  const history = (patientId: string, token = doctor) =>
    t.app.api.inject({
      method: 'GET',
      url: `/api/v1/patients/${patientId}/history`,
      headers: bearer(token),
    });
  const breakGlass = (patientId: string, payload: unknown, token = doctor, headers = {}) =>
    t.app.api.inject({
      method: 'POST',
      url: `/api/v1/patients/${patientId}/emergency-access`,
      headers: { ...bearer(token), ...headers },
      payload: payload as Record<string, unknown>,
    });
  const queue = (query = '?reviewed=false', token = admin) =>
    t.app.api.inject({ method: 'GET', url: `/api/v1/emergency-access${query}`, headers: bearer(token) });
  const review = (grantId: string, payload: unknown, token = admin) =>
    t.app.api.inject({
      method: 'POST',
      url: `/api/v1/emergency-access/${grantId}/review`,
      headers: bearer(token),
      payload: payload as Record<string, unknown>,
    });

  it('refuses to break the glass without a reason of 10 to 500 characters', async () => {
    const patient = await registerPatient(t, staff);
    for (const payload of [
      {},
      { reason: '' },
      { reason: 'too short' },
      { reason: `   ${'x'.repeat(8)}   ` },
    ]) {
      const response = await breakGlass(patient.id, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().errors.map((error: { field: string }) => error.field)).toContain('reason');
    }
    expect((await breakGlass(patient.id, { reason: 'y'.repeat(501) })).statusCode).toBe(400);
    expect((await history(patient.id)).statusCode).toBe(403);
    const grants = await t.database.db.query('SELECT 1 FROM emergency_access_grants WHERE patient_id = $1', [
      patient.id,
    ]);
    expect(grants.rows).toHaveLength(0);
  });

  it('opens the record with a reason, audits BREAK_THE_GLASS everywhere and queues it for review', async () => {
    const patient = await registerPatient(t, staff);
    expect((await history(patient.id)).statusCode).toBe(403);
    const granted = await breakGlass(patient.id, { reason: `  ${REASON}  ` });
    expect(granted.statusCode).toBe(201);
    const grant = granted.json();
    expect(grant).toMatchObject({
      patient: { id: patient.id, mrn: patient.mrn },
      reason: REASON,
      active: true,
      review: null,
    });
    const lastsMs = Date.parse(grant.expiresAt) - Date.parse(grant.grantedAt);
    expect(lastsMs).toBe(4 * 3_600_000);

    expect((await history(patient.id)).statusCode).toBe(200);

    const audited = await t.database.db.query<{ entity_id: string; actor_user_id: string }>(
      "SELECT entity_id, actor_user_id FROM audit_events WHERE action = 'BREAK_THE_GLASS' AND patient_id = $1",
      [patient.id],
    );
    expect(audited.rows).toEqual([{ entity_id: grant.id, actor_user_id: await userIdOf(t, doctor) }]);
    const auditLine = (await t.logLines('audit')).find((line) => line.includes(grant.id));
    expect(auditLine).toMatch(/\bBREAK_THE_GLASS\b/);
    const securityLine = (await t.logLines('security')).find((line) => line.includes(grant.id));
    expect(securityLine).toMatch(/\bBREAK_THE_GLASS\b/);
    // The reason may hold clinical detail: it stays in the grant, out of every log line.
    for (const file of ['audit', 'security', 'application'] as const) {
      expect((await t.logLines(file)).join('\n')).not.toContain('no relatives reachable');
    }

    const pending = await queue();
    expect(pending.statusCode).toBe(200);
    const listed = pending.json().items.find((item: { id: string }) => item.id === grant.id);
    expect(listed).toMatchObject({ reason: REASON, active: true, accessCount: 1, review: null });
    expect((await queue('?reviewed=false', doctor)).statusCode).toBe(403);
  });

  it('takes one review by someone else; unjustified closes an open access at once', async () => {
    const patient = await registerPatient(t, staff);
    const grant = (await breakGlass(patient.id, { reason: REASON })).json();
    expect((await history(patient.id)).statusCode).toBe(200);

    const selfGrant = (await breakGlass(patient.id, { reason: REASON }, admin)).json();
    const selfReview = await review(selfGrant.id, { outcome: 'justified' });
    expect(selfReview.statusCode).toBe(403);
    expect((await review(grant.id, { outcome: 'fine' })).statusCode).toBe(400);

    const judged = await review(grant.id, { outcome: 'unjustified', note: 'Patient was not in the ED' });
    expect(judged.statusCode).toBe(200);
    expect(judged.json()).toMatchObject({
      active: false,
      review: {
        outcome: 'unjustified',
        note: 'Patient was not in the ED',
        reviewedBy: { username: 'admin' },
      },
    });
    expect(judged.json().revokedAt).not.toBeNull();
    expect((await history(patient.id)).statusCode).toBe(403);
    expect((await review(grant.id, { outcome: 'justified' })).statusCode).toBe(409);

    const open = (await queue()).json().items.map((item: { id: string }) => item.id);
    expect(open).not.toContain(grant.id);
    expect(open).toContain(selfGrant.id);
    const reviewed = (await queue('?reviewed=true')).json().items.map((item: { id: string }) => item.id);
    expect(reviewed).toContain(grant.id);
  });

  it('replays a break-the-glass POST with the same Idempotency-Key instead of granting twice', async () => {
    const patient = await registerPatient(t, staff);
    const headers = { 'idempotency-key': `glass-${patient.id}` };
    const first = await breakGlass(patient.id, { reason: REASON }, doctor, headers);
    const again = await breakGlass(patient.id, { reason: REASON }, doctor, headers);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json().id).toBe(first.json().id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const grants = await t.database.db.query('SELECT 1 FROM emergency_access_grants WHERE patient_id = $1', [
      patient.id,
    ]);
    expect(grants.rows).toHaveLength(1);
  });

  it('does not let a grant become a care-team membership, and refuses roles without the permission', async () => {
    const patient = await registerPatient(t, staff);
    await breakGlass(patient.id, { reason: REASON });
    const joined = await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/patients/${patient.id}/care-team`,
      headers: bearer(doctor),
      payload: { userId: await userIdOf(t, doctor), role: 'attending' },
    });
    expect(joined.statusCode).toBe(403);
    expect((await breakGlass(patient.id, { reason: REASON }, staff)).statusCode).toBe(403);
    const finance = await t.userToken('finance');
    expect((await breakGlass(patient.id, { reason: REASON }, finance)).statusCode).toBe(403);
    expect((await breakGlass('00000000-0000-4000-8000-000000000000', { reason: REASON })).statusCode).toBe(
      404,
    );
  });

  it('keeps grants as evidence: never deleted or rewritten, reviewed once, moved only with a merge', async () => {
    const patient = await registerPatient(t, staff);
    const grant = (await breakGlass(patient.id, { reason: REASON })).json();
    const update = (assignment: string, params: unknown[] = []) =>
      t.database.db.query(`UPDATE emergency_access_grants SET ${assignment} WHERE id = $1`, [
        grant.id,
        ...params,
      ]);
    await expect(
      t.database.db.query('DELETE FROM emergency_access_grants WHERE id = $1', [grant.id]),
    ).rejects.toThrow(/never deleted/);
    await expect(update("reason = 'a better reason'")).rejects.toThrow(/only by its one review/);
    expect((await review(grant.id, { outcome: 'justified' })).statusCode).toBe(200);
    await expect(update("review_outcome = 'unjustified'")).rejects.toThrow(/only by its one review/);
    const survivor = await registerPatient(t, staff);
    await update('patient_id = $2', [survivor.id]);
    const moved = await t.database.db.query<{ patient_id: string }>(
      'SELECT patient_id FROM emergency_access_grants WHERE id = $1',
      [grant.id],
    );
    expect(moved.rows[0]!.patient_id).toBe(survivor.id);
  });
});

describe.each(DATABASE_KINDS)('an expired break-the-glass grant on %s', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp(kind, { 'security.break-glass.duration': '1500ms' });
  });
  afterAll(async () => t?.close());

  it('closes the record again once security.break-glass.duration has passed', async () => {
    const staff = await t.userToken('staff');
    const doctor = await t.userToken('doctor');
    const patient = await registerPatient(t, staff);
    const url = `/api/v1/patients/${patient.id}/history`;
    const read = async () =>
      (await t.app.api.inject({ method: 'GET', url, headers: bearer(doctor) })).statusCode;

    const granted = await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/patients/${patient.id}/emergency-access`,
      headers: bearer(doctor),
      payload: { reason: REASON },
    });
    expect(granted.statusCode).toBe(201);
    expect(Date.parse(granted.json().expiresAt) - Date.parse(granted.json().grantedAt)).toBe(1500);
    expect(await read()).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1700));
    expect(await read()).toBe(403);
  });
});
