import { sqlState, type Queryable } from '../../db/index.js';
import { ConflictError, ForbiddenError, UnprocessableError, ValidationError } from '../../shared/errors.js';
import type { RequestContext } from '../../shared/request-context.js';
import { isCovered, loadWorkingIntervals } from '../doctors/index.js';
import { roleAllows } from '../users/index.js';

const MAX_DURATION_MS = 24 * 3_600_000;

export interface TimeRange {
  readonly start: Date;
  readonly end: Date;
}

/** Parses an RFC 3339 start and end and checks that they make an appointment of at most a day. */
export function parseTimeRange(start: string, end: string): TimeRange {
  const range = { start: new Date(start), end: new Date(end) };
  if (Number.isNaN(range.start.getTime()) || Number.isNaN(range.end.getTime())) {
    throw new ValidationError('The start or end is not a valid time.', [
      { field: 'start', message: 'must be an RFC 3339 date-time' },
    ]);
  }
  if (range.end <= range.start) {
    throw new ValidationError('The appointment ends before it starts.', [
      { field: 'end', message: 'must be after start' },
    ]);
  }
  if (range.end.getTime() - range.start.getTime() > MAX_DURATION_MS) {
    throw new ValidationError('An appointment lasts at most 24 hours.', [
      { field: 'end', message: 'must be at most 24 hours after start' },
    ]);
  }
  return range;
}

function iso(date: Date): string {
  return date.toISOString();
}

/**
 * Whether the booking is outside the doctor's hours and allowed anyway. Outside the hours it is refused
 * (422) unless the caller asked to overbook and their role may (appointments:overbook); asking without
 * that permission is refused (403).
 */
export async function checkWorkingHours(
  db: Queryable,
  doctorId: string,
  range: TimeRange,
  overbookRequested: boolean,
  context: RequestContext,
  timeZone: string,
): Promise<{ overbooked: boolean }> {
  const intervals = await loadWorkingIntervals(
    db,
    doctorId,
    range.start.getTime(),
    range.end.getTime(),
    timeZone,
  );
  if (isCovered(intervals, range.start.getTime(), range.end.getTime())) return { overbooked: false };
  if (!overbookRequested) {
    throw new UnprocessableError(
      `${iso(range.start)} to ${iso(range.end)} is outside the doctor's working hours (${timeZone}). ` +
        'Choose a free slot (GET /api/v1/appointments/free-slots); a role allowed to overbook may send "overbook": true.',
    );
  }
  const role = context.actor?.role;
  if (!role || !roleAllows(role, 'appointments:overbook')) {
    throw new ForbiddenError(`Your role (${role ?? 'none'}) may not book outside a doctor's working hours.`);
  }
  return { overbooked: true };
}

/**
 * Runs an insert or update of appointment times, turning the database's exclusion-constraint refusal
 * (SQLSTATE 23P01) into a 409 that says who is already booked.
 */
export async function refusingDoubleBooking<T>(range: TimeRange, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (sqlState(error) !== '23P01') throw error;
    const constraint =
      (error as { constraint?: string }).constraint ?? (error as Error).message ?? 'appointments';
    const who = constraint.includes('patient') ? 'The patient' : 'The doctor';
    throw new ConflictError(
      `${who} already has an appointment that overlaps ${iso(range.start)} to ${iso(range.end)}. ` +
        'Choose another time (GET /api/v1/appointments/free-slots lists free ones).',
    );
  }
}

/** Refuses a booking for a patient or doctor that does not exist or is archived. */
export function requireBookable(references: {
  patient: { archived: boolean } | undefined;
  doctor: { archived: boolean } | undefined;
}): void {
  if (!references.patient) throw new UnprocessableError('There is no patient with this patientId.');
  if (references.patient.archived) throw new UnprocessableError('The patient record is archived.');
  if (!references.doctor) throw new UnprocessableError('There is no doctor with this doctorId.');
  if (references.doctor.archived) throw new UnprocessableError('The doctor is archived.');
}
