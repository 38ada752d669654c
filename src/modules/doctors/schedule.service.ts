import type { Database, Queryable } from '../../db/index.js';
import { NotFoundError, UnprocessableError, ValidationError } from '../../shared/errors.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import { workingIntervals, type Interval, type WeeklyInterval } from './availability.js';
import { findDoctorById, type DoctorRecord } from './doctors.repository.js';
import type { AddExceptionInput, ExceptionListInput, WorkingIntervalInput } from './doctors.schemas.js';
import {
  deleteException,
  findExceptions,
  findWorkingHours,
  insertException,
  replaceWorkingHours,
  type ExceptionRecord,
} from './schedule.repository.js';
import { parseWorkingHours } from './working-hours.js';
import { addDays, localDateTimeOf, parseMinuteOfDay } from './zoned-time.js';

export interface WorkingHours {
  readonly doctorId: string;
  readonly timeZone: string;
  readonly hours: WeeklyInterval[];
}

/**
 * The instants a doctor works between `fromMs` and `toMs`: weekly hours and dated exceptions, turned
 * into instants in `timeZone` date by date. Reads in the caller's transaction.
 */
export async function loadWorkingIntervals(
  db: Queryable,
  doctorId: string,
  fromMs: number,
  toMs: number,
  timeZone: string,
): Promise<Interval[]> {
  const firstDate = localDateTimeOf(fromMs, timeZone).date;
  const lastDate = localDateTimeOf(Math.max(fromMs, toMs - 1), timeZone).date;
  const [weekly, exceptions] = await Promise.all([
    findWorkingHours(db, doctorId),
    findExceptions(db, doctorId, firstDate, lastDate),
  ]);
  return workingIntervals(weekly, exceptions, firstDate, lastDate, timeZone);
}

/** A doctor's weekly hours and dated exceptions (leave, extra sessions), local to hospital.timezone. */
export class DoctorSchedulesService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly timeZone: string,
  ) {}

  async workingHours(doctorId: string): Promise<WorkingHours> {
    await this.requireDoctor(this.db, doctorId);
    return { doctorId, timeZone: this.timeZone, hours: await findWorkingHours(this.db, doctorId) };
  }

  async replaceWorkingHours(
    doctorId: string,
    input: readonly WorkingIntervalInput[],
    context: RequestContext,
  ): Promise<WorkingHours> {
    const hours = parseWorkingHours(input, 'hours');
    return this.db.transaction(async (tx) => {
      const doctor = await this.requireDoctor(tx, doctorId);
      if (doctor.archived) throw new UnprocessableError('This doctor is archived.');
      await replaceWorkingHours(tx, doctorId, hours);
      await this.audit.record(tx, context, {
        action: 'DOCTOR_WORKING_HOURS_CHANGED',
        entityType: 'doctor',
        entityId: doctorId,
        details: { intervals: hours.length },
      });
      return { doctorId, timeZone: this.timeZone, hours };
    });
  }

  async listExceptions(doctorId: string, query: ExceptionListInput): Promise<ExceptionRecord[]> {
    await this.requireDoctor(this.db, doctorId);
    const today = localDateTimeOf(Date.now(), this.timeZone).date;
    const from = query.from ?? today;
    const to = query.to ?? addDays(from, 366);
    if (to < from) {
      throw new ValidationError('The range ends before it starts.', [
        { field: 'to', message: 'must not be before from' },
      ]);
    }
    return findExceptions(this.db, doctorId, from, to);
  }

  async addException(
    doctorId: string,
    input: AddExceptionInput,
    context: RequestContext,
  ): Promise<ExceptionRecord> {
    const startMinute = input.start === undefined ? null : parseMinuteOfDay(input.start);
    const endMinute = input.end === undefined ? null : parseMinuteOfDay(input.end);
    if ((startMinute === null) !== (endMinute === null)) {
      throw new ValidationError('Send both start and end, or neither for a whole day.', [
        { field: startMinute === null ? 'start' : 'end', message: 'send both start and end, or neither' },
      ]);
    }
    if (input.kind === 'extra' && startMinute === null) {
      throw new ValidationError('An extra session needs its start and end.', [
        { field: 'start', message: 'is required for an extra session' },
      ]);
    }
    if (startMinute !== null && endMinute !== null && startMinute >= endMinute) {
      throw new ValidationError('The end is not after the start.', [
        { field: 'end', message: 'must be after start' },
      ]);
    }
    return this.db.transaction(async (tx) => {
      const doctor = await this.requireDoctor(tx, doctorId);
      if (doctor.archived) throw new UnprocessableError('This doctor is archived.');
      const exception = await insertException(tx, doctorId, {
        date: input.date,
        kind: input.kind,
        startMinute,
        endMinute,
        reason: input.reason?.trim() || null,
      });
      await this.audit.record(tx, context, {
        action: 'DOCTOR_SCHEDULE_EXCEPTION_ADDED',
        entityType: 'doctor',
        entityId: doctorId,
        details: { exceptionId: exception.id, date: exception.date, kind: exception.kind },
      });
      return exception;
    });
  }

  async removeException(doctorId: string, exceptionId: string, context: RequestContext): Promise<void> {
    await this.db.transaction(async (tx) => {
      const removed = await deleteException(tx, doctorId, exceptionId);
      if (!removed) throw new NotFoundError('This doctor has no schedule exception with this id.');
      await this.audit.record(tx, context, {
        action: 'DOCTOR_SCHEDULE_EXCEPTION_REMOVED',
        entityType: 'doctor',
        entityId: doctorId,
        details: { exceptionId, date: removed.date, kind: removed.kind },
      });
    });
  }

  private async requireDoctor(db: Queryable, doctorId: string): Promise<DoctorRecord> {
    const doctor = await findDoctorById(db, doctorId);
    if (!doctor) throw new NotFoundError('There is no doctor with this id.');
    return doctor;
  }
}
