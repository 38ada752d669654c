import type { Queryable } from '../../db/index.js';
import type { ScheduleException, WeeklyInterval } from './availability.js';

export interface ExceptionRecord extends ScheduleException {
  readonly id: string;
  readonly doctorId: string;
  readonly reason: string | null;
  readonly createdAt: Date;
}

// Times are read as minutes since midnight: '24:00' stays 1440 instead of wrapping to 00:00.
const MINUTES_OF = (column: string): string => `(extract(epoch FROM ${column}) / 60)::int`;

export async function findWorkingHours(db: Queryable, doctorId: string): Promise<WeeklyInterval[]> {
  const result = await db.query<WeeklyInterval>(
    `SELECT weekday, ${MINUTES_OF('starts_at')} AS "startMinute", ${MINUTES_OF('ends_at')} AS "endMinute"
       FROM doctor_working_hours WHERE doctor_id = $1 ORDER BY weekday, starts_at`,
    [doctorId],
  );
  return result.rows;
}

function timeOf(minuteOfDay: number): string {
  return `${Math.floor(minuteOfDay / 60)}:${String(minuteOfDay % 60).padStart(2, '0')}`;
}

/** Replaces all of a doctor's weekly hours with `hours`. */
export async function replaceWorkingHours(
  db: Queryable,
  doctorId: string,
  hours: readonly WeeklyInterval[],
): Promise<void> {
  await db.query('DELETE FROM doctor_working_hours WHERE doctor_id = $1', [doctorId]);
  if (hours.length === 0) return;
  await db.query(
    `INSERT INTO doctor_working_hours (doctor_id, weekday, starts_at, ends_at)
     SELECT $1, weekday, starts_at::time, ends_at::time
       FROM unnest($2::smallint[], $3::text[], $4::text[]) AS h (weekday, starts_at, ends_at)`,
    [
      doctorId,
      hours.map((interval) => interval.weekday),
      hours.map((interval) => timeOf(interval.startMinute)),
      hours.map((interval) => timeOf(interval.endMinute)),
    ],
  );
}

const EXCEPTION_COLUMNS = `id, doctor_id AS "doctorId", on_date AS date, kind,
  ${MINUTES_OF('starts_at')} AS "startMinute", ${MINUTES_OF('ends_at')} AS "endMinute", reason,
  created_at AS "createdAt"`;

export async function insertException(
  db: Queryable,
  doctorId: string,
  exception: ScheduleException & { reason: string | null },
): Promise<ExceptionRecord> {
  const result = await db.query<ExceptionRecord>(
    `INSERT INTO doctor_schedule_exceptions (doctor_id, on_date, kind, starts_at, ends_at, reason)
     VALUES ($1, $2, $3, $4::time, $5::time, $6)
     RETURNING ${EXCEPTION_COLUMNS}`,
    [
      doctorId,
      exception.date,
      exception.kind,
      exception.startMinute === null ? null : timeOf(exception.startMinute),
      exception.endMinute === null ? null : timeOf(exception.endMinute),
      exception.reason,
    ],
  );
  return result.rows[0]!;
}

/** Exceptions dated `firstDate`..`lastDate` inclusive. */
export async function findExceptions(
  db: Queryable,
  doctorId: string,
  firstDate: string,
  lastDate: string,
): Promise<ExceptionRecord[]> {
  const result = await db.query<ExceptionRecord>(
    `SELECT ${EXCEPTION_COLUMNS} FROM doctor_schedule_exceptions
      WHERE doctor_id = $1 AND on_date BETWEEN $2 AND $3
      ORDER BY on_date, starts_at NULLS FIRST, id`,
    [doctorId, firstDate, lastDate],
  );
  return result.rows;
}

export async function deleteException(
  db: Queryable,
  doctorId: string,
  exceptionId: string,
): Promise<ExceptionRecord | undefined> {
  const result = await db.query<ExceptionRecord>(
    `DELETE FROM doctor_schedule_exceptions WHERE id = $1 AND doctor_id = $2 RETURNING ${EXCEPTION_COLUMNS}`,
    [exceptionId, doctorId],
  );
  return result.rows[0];
}
