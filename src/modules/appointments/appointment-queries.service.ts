import type { Database, Queryable } from '../../db/index.js';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { PatientAccessService } from '../access/index.js';
import type { AuditTrail } from '../audit/index.js';
import { findDepartmentById } from '../departments/index.js';
import {
  addDays,
  findActiveDoctorsOfDepartment,
  findDoctorById,
  freeSlots,
  instantOfLocal,
  loadWorkingIntervals,
  type DoctorRecord,
} from '../doctors/index.js';
import {
  findAppointmentById,
  findAppointmentChanges,
  findBusyTimes,
  searchAppointments,
  type AppointmentChangeRecord,
  type AppointmentRecord,
} from './appointments.repository.js';
import type { AppointmentListInput, FreeSlotsInput } from './appointments.schemas.js';

export interface AppointmentPage {
  readonly items: AppointmentRecord[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface FreeSlot {
  readonly doctorId: string;
  readonly doctorName: string;
  readonly start: Date;
  readonly end: Date;
}

export interface FreeSlotPage {
  readonly items: FreeSlot[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

const MAX_FREE_SLOT_WINDOW_MS = 31 * 86_400_000;

/** Reading appointments (each read audited with the patients it showed) and finding free slots. */
export class AppointmentQueriesService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly timeZone: string,
    private readonly access: PatientAccessService,
    private readonly now: () => number = Date.now,
  ) {}

  async get(id: string, context: RequestContext): Promise<AppointmentRecord> {
    return this.db.transaction(async (tx) => {
      const appointment = await findAppointmentById(tx, id);
      if (!appointment) throw new NotFoundError('There is no appointment with this id.');
      await this.audit.record(tx, context, {
        action: 'APPOINTMENT_VIEWED',
        entityType: 'appointment',
        entityId: id,
        patientId: appointment.patientId,
      });
      return appointment;
    });
  }

  async changes(id: string, context: RequestContext): Promise<AppointmentChangeRecord[]> {
    return this.db.transaction(async (tx) => {
      const appointment = await findAppointmentById(tx, id);
      if (!appointment) throw new NotFoundError('There is no appointment with this id.');
      await this.audit.record(tx, context, {
        action: 'APPOINTMENT_HISTORY_VIEWED',
        entityType: 'appointment',
        entityId: id,
        patientId: appointment.patientId,
      });
      return findAppointmentChanges(tx, id);
    });
  }

  async list(query: AppointmentListInput, context: RequestContext): Promise<AppointmentPage> {
    let from = query.from === undefined ? undefined : new Date(query.from);
    let to = query.to === undefined ? undefined : new Date(query.to);
    if (query.date !== undefined) {
      if (from !== undefined || to !== undefined) {
        throw new ValidationError('Send either date or from/to, not both.', [
          { field: 'date', message: 'cannot be combined with from or to' },
        ]);
      }
      from = new Date(instantOfLocal(query.date, 0, this.timeZone));
      to = new Date(instantOfLocal(addDays(query.date, 1), 0, this.timeZone));
    }
    if (from !== undefined && to !== undefined && to < from) {
      throw new ValidationError('The range ends before it starts.', [
        { field: 'to', message: 'must not be before from' },
      ]);
    }
    const criteria = {
      doctorId: query.doctorId,
      departmentId: query.departmentId,
      patientId: query.patientId,
      from,
      to,
      statuses: query.status ?? [],
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    };
    // One patient's appointments are part of their clinical record; a day or a doctor's list is the schedule.
    return this.access.guard(context, () =>
      this.db.transaction(async (tx) => {
        if (query.patientId !== undefined) {
          await this.access.assertCanAccessClinical(context, query.patientId, tx, 'appointments:read');
        }
        const { items, total } = await searchAppointments(tx, criteria);
        await this.audit.record(tx, context, {
          action: 'APPOINTMENTS_LISTED',
          entityType: 'appointment',
          ...(query.patientId === undefined ? {} : { patientId: query.patientId }),
          details: {
            resultCount: items.length,
            patientIds: [...new Set(items.map((item) => item.patientId))],
            doctorId: query.doctorId,
            departmentId: query.departmentId,
          },
        });
        return { items, total, limit: criteria.limit, offset: criteria.offset };
      }),
    );
  }

  /**
   * Free slots of one doctor or of every active doctor of a department: the doctor's slotMinutes laid
   * over working hours and exceptions (in hospital.timezone), less active bookings and the past.
   */
  async freeSlots(query: FreeSlotsInput): Promise<FreeSlotPage> {
    if ((query.doctorId === undefined) === (query.departmentId === undefined)) {
      throw new ValidationError('Send exactly one of doctorId and departmentId.', [
        { field: 'doctorId', message: 'send exactly one of doctorId and departmentId' },
      ]);
    }
    const requestedFrom = Date.parse(query.from);
    const to = Date.parse(query.to);
    if (to <= requestedFrom || to - requestedFrom > MAX_FREE_SLOT_WINDOW_MS) {
      throw new ValidationError('The search window must end after it starts and span at most 31 days.', [
        { field: 'to', message: 'must be after from and at most 31 days later' },
      ]);
    }
    const from = Math.max(requestedFrom, this.now());
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    return this.db.transaction(
      async (tx) => {
        const doctors = await this.doctorsFor(tx, query);
        const slots: FreeSlot[] = [];
        if (from < to && doctors.length > 0) {
          const busy = await findBusyTimes(
            tx,
            doctors.map((doctor) => doctor.id),
            new Date(from),
            new Date(to),
          );
          for (const doctor of doctors) {
            const intervals = await loadWorkingIntervals(tx, doctor.id, from, to, this.timeZone);
            const booked = busy
              .filter((booking) => booking.doctorId === doctor.id)
              .map((booking) => ({
                start: new Date(booking.start).getTime(),
                end: new Date(booking.end).getTime(),
              }));
            for (const slot of freeSlots(intervals, doctor.slotMinutes * 60_000, booked, from, to)) {
              slots.push({
                doctorId: doctor.id,
                doctorName: doctor.name,
                start: new Date(slot.start),
                end: new Date(slot.end),
              });
            }
          }
        }
        slots.sort(
          (a, b) => a.start.getTime() - b.start.getTime() || a.doctorName.localeCompare(b.doctorName),
        );
        return { items: slots.slice(offset, offset + limit), total: slots.length, limit, offset };
      },
      { readOnly: true },
    );
  }

  private async doctorsFor(tx: Queryable, query: FreeSlotsInput): Promise<DoctorRecord[]> {
    if (query.doctorId !== undefined) {
      const doctor = await findDoctorById(tx, query.doctorId);
      if (!doctor) throw new NotFoundError('There is no doctor with this id.');
      return doctor.archived ? [] : [doctor];
    }
    const department = await findDepartmentById(tx, query.departmentId!);
    if (!department) throw new NotFoundError('There is no department with this id.');
    return findActiveDoctorsOfDepartment(tx, department.id);
  }
}
