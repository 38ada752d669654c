import type { Database, Transaction } from '../../db/index.js';
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  UnprocessableError,
} from '../../shared/errors.js';
import { runIdempotent, type IdempotentRequest, type StoredResponse } from '../../shared/idempotency.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import { findDoctorById } from '../doctors/index.js';
import {
  findAppointmentById,
  findPatientStatus,
  insertAppointment,
  insertAppointmentChange,
  lockAppointment,
  updateAppointmentStatus,
  updateAppointmentTimes,
  type AppointmentRecord,
} from './appointments.repository.js';
import type { AppointmentStatus, BookAppointmentInput, RescheduleInput } from './appointments.schemas.js';
import {
  checkWorkingHours,
  parseTimeRange,
  refusingDoubleBooking,
  requireBookable,
} from './booking-rules.js';

export type Transition = 'check-in' | 'complete' | 'cancel' | 'no-show';

interface TransitionRule {
  readonly from: readonly AppointmentStatus[];
  readonly to: Exclude<AppointmentStatus, 'scheduled'>;
  readonly action: string;
  readonly done: string;
}

/** The only status changes there are: scheduled -> checked_in -> completed, or cancelled / no_show. */
export const TRANSITIONS: Readonly<Record<Transition, TransitionRule>> = {
  'check-in': { from: ['scheduled'], to: 'checked_in', action: 'APPOINTMENT_CHECKED_IN', done: 'checked in' },
  complete: { from: ['checked_in'], to: 'completed', action: 'APPOINTMENT_COMPLETED', done: 'completed' },
  cancel: {
    from: ['scheduled', 'checked_in'],
    to: 'cancelled',
    action: 'APPOINTMENT_CANCELLED',
    done: 'cancelled',
  },
  'no-show': { from: ['scheduled'], to: 'no_show', action: 'APPOINTMENT_NO_SHOW', done: 'marked a no-show' },
};

const STATUS_WORDS: Record<AppointmentStatus, string> = {
  scheduled: 'scheduled',
  checked_in: 'checked-in',
  completed: 'completed',
  cancelled: 'cancelled',
  no_show: 'no-show',
};

function actorId(context: RequestContext): string {
  if (!context.actor) throw new Error('appointment changes need a signed-in actor');
  return context.actor.userId;
}

/**
 * Booking, moving and the status changes of appointments. Double booking is refused by the database
 * (exclusion constraints), so it holds across instances; every change is kept in appointment_changes
 * and audited with the patient's id, in the same transaction.
 */
export class AppointmentsService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly timeZone: string,
  ) {}

  async book(
    input: BookAppointmentInput,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<AppointmentRecord>> {
    const range = parseTimeRange(input.start, input.end);
    const reason = input.reason?.trim() || null;
    return this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        const [patient, doctor] = await Promise.all([
          findPatientStatus(tx, input.patientId),
          findDoctorById(tx, input.doctorId),
        ]);
        requireBookable({ patient, doctor });
        const { overbooked } = await checkWorkingHours(
          tx,
          input.doctorId,
          range,
          input.overbook === true,
          context,
          this.timeZone,
        );
        const id = await refusingDoubleBooking(range, () =>
          insertAppointment(tx, { ...input, ...range, reason, overbooked, userId: actorId(context) }),
        );
        await insertAppointmentChange(tx, id, {
          change: 'booked',
          fromStatus: null,
          toStatus: 'scheduled',
          previousStart: null,
          previousEnd: null,
          ...range,
          overbooked,
          note: null,
          changedBy: actorId(context),
        });
        await this.audit.record(tx, context, {
          action: overbooked ? 'APPOINTMENT_OVERBOOKED' : 'APPOINTMENT_BOOKED',
          entityType: 'appointment',
          entityId: id,
          patientId: input.patientId,
          details: {
            doctorId: input.doctorId,
            start: range.start.toISOString(),
            end: range.end.toISOString(),
          },
        });
        return { status: 201, body: (await findAppointmentById(tx, id))! };
      }),
    );
  }

  async reschedule(
    id: string,
    input: RescheduleInput,
    expectedVersion: number | undefined,
    context: RequestContext,
  ): Promise<AppointmentRecord> {
    const range = parseTimeRange(input.start, input.end);
    return this.db.transaction(async (tx) => {
      const current = await this.lockChangeable(tx, id, expectedVersion);
      if (current.status !== 'scheduled') {
        throw new ConflictError(
          `A ${STATUS_WORDS[current.status]} appointment cannot be rescheduled; only a scheduled one can.`,
        );
      }
      const doctor = await findDoctorById(tx, current.doctorId);
      if (!doctor || doctor.archived) throw new UnprocessableError('The doctor is archived.');
      const { overbooked } = await checkWorkingHours(
        tx,
        current.doctorId,
        range,
        input.overbook === true,
        context,
        this.timeZone,
      );
      await refusingDoubleBooking(range, () =>
        updateAppointmentTimes(tx, id, { ...range, overbooked }, actorId(context)),
      );
      await insertAppointmentChange(tx, id, {
        change: 'rescheduled',
        fromStatus: current.status,
        toStatus: current.status,
        previousStart: current.start,
        previousEnd: current.end,
        ...range,
        overbooked,
        note: input.note?.trim() || null,
        changedBy: actorId(context),
      });
      const details = {
        previousStart: new Date(current.start).toISOString(),
        previousEnd: new Date(current.end).toISOString(),
        start: range.start.toISOString(),
        end: range.end.toISOString(),
      };
      const event = { entityType: 'appointment', entityId: id, patientId: current.patientId, details };
      await this.audit.record(tx, context, { action: 'APPOINTMENT_RESCHEDULED', ...event });
      if (overbooked) await this.audit.record(tx, context, { action: 'APPOINTMENT_OVERBOOKED', ...event });
      return (await findAppointmentById(tx, id))!;
    });
  }

  async transition(
    id: string,
    transition: Transition,
    options: { expectedVersion?: number | undefined; reason?: string | undefined },
    context: RequestContext,
  ): Promise<AppointmentRecord> {
    const rule = TRANSITIONS[transition];
    return this.db.transaction(async (tx) => {
      const current = await this.lockChangeable(tx, id, options.expectedVersion);
      if (!rule.from.includes(current.status)) {
        throw new ConflictError(
          `A ${STATUS_WORDS[current.status]} appointment cannot be ${rule.done}; only a ${rule.from
            .map((status) => STATUS_WORDS[status])
            .join(' or ')} one can.`,
        );
      }
      if (rule.to === 'no_show' && new Date(current.start).getTime() > Date.now()) {
        throw new UnprocessableError('An appointment that has not started yet cannot be a no-show.');
      }
      const reason = rule.to === 'cancelled' ? options.reason?.trim() || null : null;
      await updateAppointmentStatus(tx, id, rule.to, reason, actorId(context));
      await insertAppointmentChange(tx, id, {
        change: rule.to,
        fromStatus: current.status,
        toStatus: rule.to,
        previousStart: null,
        previousEnd: null,
        start: current.start,
        end: current.end,
        overbooked: current.overbooked,
        note: reason,
        changedBy: actorId(context),
      });
      await this.audit.record(tx, context, {
        action: rule.action,
        entityType: 'appointment',
        entityId: id,
        patientId: current.patientId,
        details: { fromStatus: current.status, toStatus: rule.to },
      });
      return (await findAppointmentById(tx, id))!;
    });
  }

  private async lockChangeable(
    tx: Transaction,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<AppointmentRecord> {
    const current = await lockAppointment(tx, id);
    if (!current) throw new NotFoundError('There is no appointment with this id.');
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw new PreconditionFailedError(
        `The appointment was changed by someone else (now version ${current.version}, you read version ${expectedVersion}). Reload it and try again.`,
      );
    }
    return current;
  }
}
