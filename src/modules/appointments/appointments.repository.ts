import type { Queryable } from '../../db/index.js';
import type { AppointmentChangeKind, AppointmentStatus } from './appointments.schemas.js';

export interface AppointmentRecord {
  readonly id: string;
  readonly patientId: string;
  readonly patientName: string;
  readonly patientMrn: string;
  readonly doctorId: string;
  readonly doctorName: string;
  readonly start: Date;
  readonly end: Date;
  readonly status: AppointmentStatus;
  readonly reason: string | null;
  readonly overbooked: boolean;
  readonly cancellationReason: string | null;
  readonly checkedInAt: Date | null;
  readonly completedAt: Date | null;
  readonly cancelledAt: Date | null;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const SELECT_APPOINTMENTS = `SELECT a.id, a.patient_id AS "patientId", p.name AS "patientName", p.mrn AS "patientMrn",
         a.doctor_id AS "doctorId", d.name AS "doctorName", a.starts_at AS start, a.ends_at AS "end",
         a.status, a.reason, a.overbooked, a.cancellation_reason AS "cancellationReason",
         a.checked_in_at AS "checkedInAt", a.completed_at AS "completedAt", a.cancelled_at AS "cancelledAt",
         a.version, a.created_at AS "createdAt", a.updated_at AS "updatedAt"
    FROM appointments a
    JOIN patients p ON p.id = a.patient_id
    JOIN doctors d ON d.id = a.doctor_id`;

export interface NewAppointment {
  readonly patientId: string;
  readonly doctorId: string;
  readonly start: Date;
  readonly end: Date;
  readonly reason: string | null;
  readonly overbooked: boolean;
  readonly userId: string;
}

/**
 * Inserts a scheduled appointment. The exclusion constraints appointments_doctor_busy and
 * appointments_patient_busy refuse an overlap with SQLSTATE 23P01, also against concurrent inserts.
 */
export async function insertAppointment(db: Queryable, appointment: NewAppointment): Promise<string> {
  const result = await db.query<{ id: string }>(
    `INSERT INTO appointments (patient_id, doctor_id, starts_at, ends_at, reason, overbooked, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
     RETURNING id`,
    [
      appointment.patientId,
      appointment.doctorId,
      appointment.start,
      appointment.end,
      appointment.reason,
      appointment.overbooked,
      appointment.userId,
    ],
  );
  return result.rows[0]!.id;
}

export async function findAppointmentById(db: Queryable, id: string): Promise<AppointmentRecord | undefined> {
  const result = await db.query<AppointmentRecord>(`${SELECT_APPOINTMENTS} WHERE a.id = $1`, [id]);
  return result.rows[0];
}

/** Reads and row-locks an appointment, so that a status change or a move decides on its current state. */
export async function lockAppointment(db: Queryable, id: string): Promise<AppointmentRecord | undefined> {
  const result = await db.query<AppointmentRecord>(`${SELECT_APPOINTMENTS} WHERE a.id = $1 FOR UPDATE OF a`, [
    id,
  ]);
  return result.rows[0];
}

const STATUS_TIMESTAMP: Partial<Record<AppointmentStatus, string>> = {
  checked_in: 'checked_in_at',
  completed: 'completed_at',
  cancelled: 'cancelled_at',
};

export async function updateAppointmentStatus(
  db: Queryable,
  id: string,
  status: AppointmentStatus,
  cancellationReason: string | null,
  userId: string,
): Promise<void> {
  const timestamp = STATUS_TIMESTAMP[status];
  await db.query(
    `UPDATE appointments
        SET status = $2, cancellation_reason = coalesce($3, cancellation_reason),
            ${timestamp ? `${timestamp} = now(),` : ''}
            version = version + 1, updated_at = now(), updated_by = $4
      WHERE id = $1`,
    [id, status, cancellationReason, userId],
  );
}

/** Moves an appointment; an overlap with another active one fails with 23P01 like a booking. */
export async function updateAppointmentTimes(
  db: Queryable,
  id: string,
  times: { start: Date; end: Date; overbooked: boolean },
  userId: string,
): Promise<void> {
  await db.query(
    `UPDATE appointments
        SET starts_at = $2, ends_at = $3, overbooked = $4, version = version + 1, updated_at = now(),
            updated_by = $5
      WHERE id = $1`,
    [id, times.start, times.end, times.overbooked, userId],
  );
}

export interface AppointmentChangeRecord {
  readonly id: number;
  readonly change: AppointmentChangeKind;
  readonly fromStatus: AppointmentStatus | null;
  readonly toStatus: AppointmentStatus;
  readonly previousStart: Date | null;
  readonly previousEnd: Date | null;
  readonly start: Date;
  readonly end: Date;
  readonly overbooked: boolean;
  readonly note: string | null;
  readonly changedBy: string | null;
  readonly changedAt: Date;
}

export type NewAppointmentChange = Omit<AppointmentChangeRecord, 'id' | 'changedAt'>;

export async function insertAppointmentChange(
  db: Queryable,
  appointmentId: string,
  change: NewAppointmentChange,
): Promise<void> {
  await db.query(
    `INSERT INTO appointment_changes (appointment_id, change, from_status, to_status, previous_starts_at,
       previous_ends_at, starts_at, ends_at, overbooked, note, changed_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      appointmentId,
      change.change,
      change.fromStatus,
      change.toStatus,
      change.previousStart,
      change.previousEnd,
      change.start,
      change.end,
      change.overbooked,
      change.note,
      change.changedBy,
    ],
  );
}

export async function findAppointmentChanges(
  db: Queryable,
  appointmentId: string,
): Promise<AppointmentChangeRecord[]> {
  const result = await db.query<AppointmentChangeRecord>(
    `SELECT id::int AS id, change, from_status AS "fromStatus", to_status AS "toStatus",
            previous_starts_at AS "previousStart", previous_ends_at AS "previousEnd", starts_at AS start,
            ends_at AS "end", overbooked, note, changed_by AS "changedBy", changed_at AS "changedAt"
       FROM appointment_changes WHERE appointment_id = $1 ORDER BY id`,
    [appointmentId],
  );
  return result.rows;
}

export interface AppointmentCriteria {
  readonly doctorId: string | undefined;
  readonly departmentId: string | undefined;
  readonly patientId: string | undefined;
  readonly from: Date | undefined;
  readonly to: Date | undefined;
  readonly statuses: readonly AppointmentStatus[];
  readonly limit: number;
  readonly offset: number;
}

/** Appointments overlapping [from, to), by doctor, department, patient and status, earliest first. */
export async function searchAppointments(
  db: Queryable,
  criteria: AppointmentCriteria,
): Promise<{ items: AppointmentRecord[]; total: number }> {
  const params: unknown[] = [];
  const conditions: string[] = [];
  const add = (condition: (placeholder: string) => string, value: unknown): void => {
    params.push(value);
    conditions.push(condition(`$${params.length}`));
  };
  if (criteria.doctorId !== undefined) add((p) => `a.doctor_id = ${p}`, criteria.doctorId);
  if (criteria.departmentId !== undefined) {
    add((p) => `a.doctor_id IN (SELECT id FROM doctors WHERE department_id = ${p})`, criteria.departmentId);
  }
  if (criteria.patientId !== undefined) add((p) => `a.patient_id = ${p}`, criteria.patientId);
  if (criteria.from !== undefined) add((p) => `a.ends_at > ${p}`, criteria.from);
  if (criteria.to !== undefined) add((p) => `a.starts_at < ${p}`, criteria.to);
  if (criteria.statuses.length > 0) add((p) => `a.status = ANY(${p}::text[])`, criteria.statuses);
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const n = params.length;
  const [items, count] = await Promise.all([
    db.query<AppointmentRecord>(
      `${SELECT_APPOINTMENTS} ${where} ORDER BY a.starts_at, a.id LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...params, criteria.limit, criteria.offset],
    ),
    db.query<{ total: number }>(`SELECT count(*)::int AS total FROM appointments a ${where}`, params),
  ]);
  return { items: items.rows, total: count.rows[0]!.total };
}

/** Active (scheduled or checked-in) appointments of the doctors overlapping [from, to). */
export async function findBusyTimes(
  db: Queryable,
  doctorIds: readonly string[],
  from: Date,
  to: Date,
): Promise<{ doctorId: string; start: Date; end: Date }[]> {
  const result = await db.query<{ doctorId: string; start: Date; end: Date }>(
    `SELECT doctor_id AS "doctorId", starts_at AS start, ends_at AS "end" FROM appointments
      WHERE doctor_id = ANY($1::uuid[]) AND status IN ('scheduled', 'checked_in')
        AND starts_at < $3 AND ends_at > $2`,
    [doctorIds, from, to],
  );
  return result.rows;
}

export async function findPatientStatus(
  db: Queryable,
  patientId: string,
): Promise<{ archived: boolean } | undefined> {
  const result = await db.query<{ archived: boolean }>('SELECT archived FROM patients WHERE id = $1', [
    patientId,
  ]);
  return result.rows[0];
}
