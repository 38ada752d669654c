import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import {
  bookAppointment,
  createPatient,
  schedulingFixture,
} from '../../../tests/support/scheduling-factories.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

describe.each(DATABASE_KINDS)('appointment status changes and rescheduling on %s', (kind) => {
  let t: TestApp;
  let admin: string;
  let staff: string;

  beforeAll(async () => {
    t = await buildTestApp(kind, { 'hospital.timezone': 'Europe/Berlin' });
    admin = await t.adminToken();
    staff = await t.userToken('staff');
  });
  afterAll(async () => t?.close());

  const act = (
    id: string,
    action: string,
    payload?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) =>
    t.app.api.inject({
      method: 'POST',
      url: `/api/v1/appointments/${id}/${action}`,
      headers: { authorization: `Bearer ${staff}`, ...headers },
      ...(payload === undefined ? {} : { payload }),
    });

  async function booked(
    start: string,
    end: string,
  ): Promise<{ appointment: any; doctor: any; patient: any }> {
    const { doctor, patient } = await schedulingFixture(t, admin);
    const response = await bookAppointment(t, staff, {
      patientId: patient.id,
      doctorId: doctor.id,
      start,
      end,
    });
    expect(response.statusCode, response.body).toBe(201);
    return { appointment: response.json(), doctor, patient };
  }

  const changesOf = async (id: string) =>
    (
      await t.app.api.inject({
        method: 'GET',
        url: `/api/v1/appointments/${id}/changes`,
        headers: { authorization: `Bearer ${staff}` },
      })
    ).json().items;

  it('goes scheduled -> checked_in -> completed, and refuses every other move with 409', async () => {
    const { appointment } = await booked('2030-07-15T10:00:00+02:00', '2030-07-15T10:30:00+02:00');
    const checkedIn = await act(appointment.id, 'check-in');
    expect(checkedIn.statusCode, checkedIn.body).toBe(200);
    expect(checkedIn.json()).toMatchObject({ status: 'checked_in', version: 2 });
    expect(checkedIn.json().checkedInAt).not.toBeNull();

    const again = await act(appointment.id, 'check-in');
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toBe(
      'A checked-in appointment cannot be checked in; only a scheduled one can.',
    );
    expect((await act(appointment.id, 'no-show')).statusCode).toBe(409);

    const completed = await act(appointment.id, 'complete');
    expect(completed.statusCode).toBe(200);
    expect(completed.json()).toMatchObject({ status: 'completed', version: 3 });
    for (const action of ['check-in', 'complete', 'cancel', 'no-show']) {
      expect((await act(appointment.id, action)).statusCode, action).toBe(409);
    }
    const moved = await act(appointment.id, 'reschedule', {
      start: '2030-07-15T11:00:00+02:00',
      end: '2030-07-15T11:30:00+02:00',
    });
    expect(moved.statusCode).toBe(409);

    expect((await changesOf(appointment.id)).map((change: { change: string }) => change.change)).toEqual([
      'booked',
      'checked_in',
      'completed',
    ]);
    const audit = await t.database.db.query<{ action: string }>(
      'SELECT action FROM audit_events WHERE entity_id = $1 AND patient_id = $2 ORDER BY id',
      [appointment.id, appointment.patientId],
    );
    expect(audit.rows.map((row) => row.action)).toEqual([
      'APPOINTMENT_BOOKED',
      'APPOINTMENT_CHECKED_IN',
      'APPOINTMENT_COMPLETED',
      'APPOINTMENT_HISTORY_VIEWED',
    ]);
  });

  it('refuses to complete a scheduled appointment that was never checked in', async () => {
    const { appointment } = await booked('2030-07-15T11:00:00+02:00', '2030-07-15T11:30:00+02:00');
    const completed = await act(appointment.id, 'complete');
    expect(completed.statusCode).toBe(409);
    expect(completed.json().detail).toMatch(/only a checked-in one can/);
  });

  it('marks a no-show only once the appointment has started, and a no-show cannot be checked in', async () => {
    const future = await booked('2030-07-15T12:00:00+02:00', '2030-07-15T12:30:00+02:00');
    expect((await act(future.appointment.id, 'no-show')).statusCode).toBe(422);
    // 2020-01-06 was a Monday; 10:00 in Berlin.
    const past = await booked('2020-01-06T09:00:00Z', '2020-01-06T09:30:00Z');
    const noShow = await act(past.appointment.id, 'no-show');
    expect(noShow.statusCode, noShow.body).toBe(200);
    expect(noShow.json().status).toBe('no_show');
    expect((await act(past.appointment.id, 'check-in')).statusCode).toBe(409);
  });

  it('cancels from checked_in as well, and a cancelled appointment stays cancelled', async () => {
    const { appointment } = await booked('2030-07-15T13:00:00+02:00', '2030-07-15T13:30:00+02:00');
    await act(appointment.id, 'check-in');
    const cancelled = await act(appointment.id, 'cancel', { reason: 'Left before being seen' });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({
      status: 'cancelled',
      cancellationReason: 'Left before being seen',
    });
    expect((await act(appointment.id, 'cancel')).statusCode).toBe(409);
    expect((await act(appointment.id, 'check-in')).statusCode).toBe(409);
  });

  it('reschedules a scheduled appointment and keeps the earlier time in its history', async () => {
    const { appointment } = await booked('2030-07-16T09:00:00+02:00', '2030-07-16T09:30:00+02:00');
    const moved = await act(
      appointment.id,
      'reschedule',
      { start: '2030-07-17T14:00:00+02:00', end: '2030-07-17T14:30:00+02:00', note: 'Patient asked' },
      { 'if-match': '"1"' },
    );
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({
      start: '2030-07-17T12:00:00.000Z',
      end: '2030-07-17T12:30:00.000Z',
      status: 'scheduled',
      version: 2,
    });
    const changes = await changesOf(appointment.id);
    expect(changes).toHaveLength(2);
    expect(changes[1]).toMatchObject({
      change: 'rescheduled',
      previousStart: '2030-07-16T07:00:00.000Z',
      previousEnd: '2030-07-16T07:30:00.000Z',
      start: '2030-07-17T12:00:00.000Z',
      end: '2030-07-17T12:30:00.000Z',
      note: 'Patient asked',
    });
    const audit = await t.database.db.query<{ details: Record<string, string> }>(
      `SELECT details FROM audit_events WHERE entity_id = $1 AND action = 'APPOINTMENT_RESCHEDULED'`,
      [appointment.id],
    );
    expect(audit.rows[0]!.details).toMatchObject({ previousStart: '2030-07-16T07:00:00.000Z' });

    const stale = await act(
      appointment.id,
      'reschedule',
      { start: '2030-07-18T14:00:00+02:00', end: '2030-07-18T14:30:00+02:00' },
      { 'if-match': '"1"' },
    );
    expect(stale.statusCode).toBe(412);
  });

  it('refuses a move into a taken time (409) or outside working hours (422), changing nothing', async () => {
    const { appointment, doctor } = await booked('2030-07-16T10:00:00+02:00', '2030-07-16T10:30:00+02:00');
    const other = await createPatient(t, admin);
    const taken = await bookAppointment(t, staff, {
      patientId: other.id,
      doctorId: doctor.id,
      start: '2030-07-16T11:00:00+02:00',
      end: '2030-07-16T11:30:00+02:00',
    });
    expect(taken.statusCode).toBe(201);
    const clash = await act(appointment.id, 'reschedule', {
      start: '2030-07-16T11:15:00+02:00',
      end: '2030-07-16T11:45:00+02:00',
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().detail).toMatch(/^The doctor already has an appointment/);
    const evening = await act(appointment.id, 'reschedule', {
      start: '2030-07-16T18:00:00+02:00',
      end: '2030-07-16T18:30:00+02:00',
    });
    expect(evening.statusCode).toBe(422);
    // Moving within its own time (overlapping itself) is fine.
    const shifted = await act(appointment.id, 'reschedule', {
      start: '2030-07-16T10:15:00+02:00',
      end: '2030-07-16T10:45:00+02:00',
    });
    expect(shifted.statusCode).toBe(200);
    expect((await changesOf(appointment.id)).map((change: { change: string }) => change.change)).toEqual([
      'booked',
      'rescheduled',
    ]);
  });

  it('keeps the change history append-only', async () => {
    await expect(t.database.db.query('UPDATE appointment_changes SET note = NULL')).rejects.toThrow(
      /append-only/,
    );
    await expect(t.database.db.query('DELETE FROM appointment_changes')).rejects.toThrow(/append-only/);
  });

  it('answers 404 for an unknown appointment', async () => {
    expect((await act('00000000-0000-4000-8000-000000000000', 'check-in')).statusCode).toBe(404);
  });
});
