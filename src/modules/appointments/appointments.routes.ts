import { idempotencyOf } from '../../server/idempotency.js';
import { Type } from 'typebox';
import { contextOf, type Api } from '../../server/types.js';
import { etagOf, versionFromIfMatch } from '../../shared/etag.js';
import type { AppointmentQueriesService } from './appointment-queries.service.js';
import type { AppointmentChangeRecord, AppointmentRecord } from './appointments.repository.js';
import {
  AppointmentChangeList,
  AppointmentIdParams,
  AppointmentList,
  AppointmentListQuery,
  AppointmentSchema,
  BookAppointmentBody,
  CancelBody,
  FreeSlotList,
  FreeSlotsQuery,
  RescheduleBody,
} from './appointments.schemas.js';
import { TRANSITIONS, type AppointmentsService, type Transition } from './appointments.service.js';

const isoOrNull = (value: Date | null): string | null =>
  value === null ? null : new Date(value).toISOString();

type Presented = Omit<
  AppointmentRecord,
  'start' | 'end' | 'checkedInAt' | 'completedAt' | 'cancelledAt' | 'createdAt' | 'updatedAt'
> & {
  start: string;
  end: string;
  checkedInAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  createdAt: string;
  updatedAt: string;
};

function present(appointment: AppointmentRecord): Presented {
  return {
    ...appointment,
    start: new Date(appointment.start).toISOString(),
    end: new Date(appointment.end).toISOString(),
    checkedInAt: isoOrNull(appointment.checkedInAt),
    completedAt: isoOrNull(appointment.completedAt),
    cancelledAt: isoOrNull(appointment.cancelledAt),
    createdAt: new Date(appointment.createdAt).toISOString(),
    updatedAt: new Date(appointment.updatedAt).toISOString(),
  };
}

function presentChange(change: AppointmentChangeRecord): Omit<
  AppointmentChangeRecord,
  'previousStart' | 'previousEnd' | 'start' | 'end' | 'changedAt'
> & {
  previousStart: string | null;
  previousEnd: string | null;
  start: string;
  end: string;
  changedAt: string;
} {
  return {
    ...change,
    previousStart: isoOrNull(change.previousStart),
    previousEnd: isoOrNull(change.previousEnd),
    start: new Date(change.start).toISOString(),
    end: new Date(change.end).toISOString(),
    changedAt: new Date(change.changedAt).toISOString(),
  };
}

/** If-Match is optional on appointment actions: the status rules already refuse stale transitions. */
function optionalVersion(header: string | undefined): number | undefined {
  return header === undefined ? undefined : versionFromIfMatch(header);
}

const IfMatchHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 100 })) });
const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })) });

const TRANSITION_SUMMARIES: Record<Transition, string> = {
  'check-in': 'Check the patient in (scheduled -> checked_in; 409 otherwise)',
  complete: 'Complete the visit (checked_in -> completed; 409 otherwise)',
  cancel: 'Cancel (scheduled or checked_in -> cancelled; 409 otherwise); frees the time',
  'no-show': 'Mark a no-show once the start has passed (scheduled -> no_show; 409 otherwise)',
};

export function registerAppointmentRoutes(
  api: Api,
  appointments: AppointmentsService,
  queries: AppointmentQueriesService,
): void {
  api.get(
    '/api/v1/appointments',
    {
      config: { permission: 'appointments:read' },
      schema: {
        tags: ['appointments'],
        summary: 'List appointments by doctor, patient, day or time range, and status',
        querystring: AppointmentListQuery,
        response: { 200: AppointmentList },
      },
    },
    async (request) => {
      const page = await queries.list(request.query, contextOf(request));
      return { ...page, items: page.items.map(present) };
    },
  );

  api.get(
    '/api/v1/appointments/free-slots',
    {
      config: { permission: 'appointments:read' },
      schema: {
        tags: ['appointments'],
        summary: "Free slots of a doctor or a department's doctors between from and to",
        querystring: FreeSlotsQuery,
        response: { 200: FreeSlotList },
      },
    },
    async (request) => {
      const page = await queries.freeSlots(request.query);
      return {
        ...page,
        items: page.items.map((slot) => ({
          ...slot,
          start: slot.start.toISOString(),
          end: slot.end.toISOString(),
        })),
      };
    },
  );

  api.post(
    '/api/v1/appointments',
    {
      config: { permission: 'appointments:write' },
      schema: {
        tags: ['appointments'],
        summary:
          'Book an appointment: 409 when the doctor or the patient is already booked, 422 outside working hours',
        headers: IdempotencyHeaders,
        body: BookAppointmentBody,
        response: { 201: AppointmentSchema },
      },
    },
    async (request, reply) => {
      const context = contextOf(request);
      const result = await appointments.book(request.body, context, idempotencyOf(request, context));
      const body = present(result.body);
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      return reply
        .code(result.status as 201)
        .header('location', `/api/v1/appointments/${body.id}`)
        .header('etag', etagOf(body.version))
        .send(body);
    },
  );

  api.get(
    '/api/v1/appointments/:id',
    {
      config: { permission: 'appointments:read' },
      schema: {
        tags: ['appointments'],
        summary: 'One appointment (audited)',
        params: AppointmentIdParams,
        response: { 200: AppointmentSchema },
      },
    },
    async (request, reply) => {
      const appointment = await queries.get(request.params.id, contextOf(request));
      return reply.header('etag', etagOf(appointment.version)).send(present(appointment));
    },
  );

  api.get(
    '/api/v1/appointments/:id/changes',
    {
      config: { permission: 'appointments:read' },
      schema: {
        tags: ['appointments'],
        summary: 'The history of an appointment: booking, moves and status changes, oldest first',
        params: AppointmentIdParams,
        response: { 200: AppointmentChangeList },
      },
    },
    async (request) => ({
      items: (await queries.changes(request.params.id, contextOf(request))).map(presentChange),
    }),
  );

  api.post(
    '/api/v1/appointments/:id/reschedule',
    {
      config: { permission: 'appointments:write' },
      schema: {
        tags: ['appointments'],
        summary:
          'Move a scheduled appointment (409 when the new time is taken); the old time stays in its history',
        params: AppointmentIdParams,
        headers: IfMatchHeaders,
        body: RescheduleBody,
        response: { 200: AppointmentSchema },
      },
    },
    async (request, reply) => {
      const appointment = await appointments.reschedule(
        request.params.id,
        request.body,
        optionalVersion(request.headers['if-match']),
        contextOf(request),
      );
      return reply.header('etag', etagOf(appointment.version)).send(present(appointment));
    },
  );

  for (const transition of Object.keys(TRANSITIONS) as Transition[]) {
    api.post(
      `/api/v1/appointments/:id/${transition}`,
      {
        config: { permission: 'appointments:write' },
        schema: {
          tags: ['appointments'],
          summary: TRANSITION_SUMMARIES[transition],
          params: AppointmentIdParams,
          headers: IfMatchHeaders,
          ...(transition === 'cancel' ? { body: CancelBody } : {}),
          response: { 200: AppointmentSchema },
        },
      },
      async (request, reply) => {
        const body = request.body as { reason?: string } | null | undefined;
        const appointment = await appointments.transition(
          request.params.id,
          transition,
          { expectedVersion: optionalVersion(request.headers['if-match']), reason: body?.reason },
          contextOf(request),
        );
        return reply.header('etag', etagOf(appointment.version)).send(present(appointment));
      },
    );
  }
}
