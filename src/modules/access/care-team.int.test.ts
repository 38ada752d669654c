import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAppointment, linkDoctorRecord, userIdOf } from '../../../tests/support/care-factories.js';
import { admit, auditActions, bearer, registerPatient } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

describe.each(DATABASE_KINDS)('care teams on %s', (kind) => {
  let t: TestApp;
  let staff: string;
  let doctor: string;
  let doctorUserId: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    staff = await t.userToken('staff');
    doctor = await t.userToken('doctor');
    doctorUserId = await userIdOf(t, doctor);
  });
  afterAll(async () => t?.close());

  const careTeamUrl = (patientId: string): string => `/api/v1/patients/${patientId}/care-team`;
  const history = async (patientId: string, token = doctor): Promise<number> =>
    (
      await t.app.api.inject({
        method: 'GET',
        url: `/api/v1/patients/${patientId}/history`,
        headers: bearer(token),
      })
    ).statusCode;
  const addMember = (patientId: string, userId: string, token = staff, role = 'attending') =>
    t.app.api.inject({
      method: 'POST',
      url: careTeamUrl(patientId),
      headers: bearer(token),
      payload: { userId, role },
    });
  const endMember = (patientId: string, memberId: string, token = staff) =>
    t.app.api.inject({
      method: 'DELETE',
      url: `${careTeamUrl(patientId)}/${memberId}`,
      headers: bearer(token),
    });

  it('opens the record to a member, and closes it when the membership ends (kept as history)', async () => {
    const patient = await registerPatient(t, staff);
    expect(await history(patient.id)).toBe(403);

    const added = await addMember(patient.id, doctorUserId);
    expect(added.statusCode).toBe(201);
    const member = added.json();
    expect(member).toMatchObject({ patientId: patient.id, role: 'attending', endedAt: null });
    expect(member.user).toMatchObject({ id: doctorUserId, role: 'doctor' });
    expect(added.headers['location']).toBe(`${careTeamUrl(patient.id)}/${member.id}`);
    expect(await history(patient.id)).toBe(200);
    expect((await addMember(patient.id, doctorUserId)).statusCode).toBe(409);

    const team = await t.app.api.inject({
      method: 'GET',
      url: careTeamUrl(patient.id),
      headers: bearer(doctor),
    });
    expect(team.statusCode).toBe(200);
    expect(team.json()).toMatchObject({ total: 1, items: [{ id: member.id }] });

    const ended = await endMember(patient.id, member.id);
    expect(ended.statusCode).toBe(200);
    expect(ended.json().endedAt).not.toBeNull();
    expect(ended.json().endedBy).not.toBeNull();
    expect(await history(patient.id)).toBe(403);
    expect((await endMember(patient.id, member.id)).statusCode).toBe(200);

    const all = await t.app.api.inject({
      method: 'GET',
      url: `${careTeamUrl(patient.id)}?includeEnded=true`,
      headers: bearer(staff),
    });
    expect(all.json().items.map((item: { id: string }) => item.id)).toEqual([member.id]);
    const current = await t.app.api.inject({
      method: 'GET',
      url: careTeamUrl(patient.id),
      headers: bearer(staff),
    });
    expect(current.json().total).toBe(0);
    const actions = await auditActions(t, patient.id);
    expect(actions.filter((action) => action === 'CARE_TEAM_MEMBER_ADDED')).toHaveLength(1);
    expect(actions.filter((action) => action === 'CARE_TEAM_MEMBER_ENDED')).toHaveLength(1);
  });

  it('lets a doctor change the team only of a patient in their own care', async () => {
    const recordId = await linkDoctorRecord(t, doctor, null);
    const mine = await registerPatient(t, staff);
    const other = await registerPatient(t, staff);
    await insertAppointment(t, mine.id, recordId, { daysFromNow: 2 });
    const colleague = await t.userToken('doctor');
    const colleagueId = await userIdOf(t, colleague);

    const refused = await addMember(other.id, colleagueId, doctor);
    expect(refused.statusCode).toBe(403);
    expect(
      (await t.app.api.inject({ method: 'GET', url: careTeamUrl(other.id), headers: bearer(doctor) }))
        .statusCode,
    ).toBe(403);

    const referred = await addMember(mine.id, colleagueId, doctor, 'consultant');
    expect(referred.statusCode).toBe(201);
    expect(referred.json().addedBy).toMatchObject({ id: doctorUserId });
    expect(await history(mine.id, colleague)).toBe(200);
    expect((await endMember(mine.id, referred.json().id, doctor)).statusCode).toBe(200);
    expect(await history(mine.id, colleague)).toBe(403);
  });

  it('refuses an unknown or inactive user, a blank role, and roles without patients:write', async () => {
    const patient = await registerPatient(t, staff);
    expect((await addMember(patient.id, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(422);
    const leaver = await t.userToken('doctor');
    const leaverId = await userIdOf(t, leaver);
    await t.database.db.query('UPDATE users SET active = false WHERE id = $1', [leaverId]);
    expect((await addMember(patient.id, leaverId)).statusCode).toBe(422);
    const blank = await addMember(patient.id, doctorUserId, staff, '   ');
    expect(blank.statusCode).toBe(400);
    expect(blank.json().errors).toEqual([{ field: 'role', message: 'must not be blank' }]);
    for (const role of ['finance', 'department_head'] as const) {
      expect((await addMember(patient.id, doctorUserId, await t.userToken(role))).statusCode, role).toBe(403);
    }
    expect((await endMember(patient.id, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    const rows = await t.database.db.query('SELECT 1 FROM care_team_members WHERE patient_id = $1', [
      patient.id,
    ]);
    expect(rows.rows).toHaveLength(0);
  });

  it('moves the team of an unknown emergency patient to the record they are identified as', async () => {
    const admitted = await admit(t, staff, {
      unidentifiedPatient: { estimatedAgeYears: 50 },
      triagePriority: 1,
      chiefComplaint: 'Collapsed',
    });
    const temporaryId: string = admitted.json().patient.id;
    expect((await addMember(temporaryId, doctorUserId)).statusCode).toBe(201);
    const registered = await registerPatient(t, staff);
    expect(await history(registered.id)).toBe(403);

    const identified = await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/admissions/${admitted.json().id}/identify`,
      headers: bearer(staff),
      payload: { patientId: registered.id },
    });
    expect(identified.statusCode).toBe(200);
    expect(await history(registered.id)).toBe(200);
    expect(await auditActions(t, registered.id)).toContain('CARE_TEAM_MEMBERS_REASSIGNED');
  });
});
