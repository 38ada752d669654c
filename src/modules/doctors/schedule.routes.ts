import { Type } from 'typebox';
import { contextOf, type Api } from '../../server/types.js';
import {
  AddExceptionBody,
  DoctorIdParams,
  ExceptionList,
  ExceptionListQuery,
  ExceptionParams,
  ExceptionSchema,
  WorkingHoursBody,
  WorkingHoursSchema,
} from './doctors.schemas.js';
import type { ExceptionRecord } from './schedule.repository.js';
import type { DoctorSchedulesService, WorkingHours } from './schedule.service.js';
import { presentWorkingHours } from './working-hours.js';
import { formatMinuteOfDay } from './zoned-time.js';

function presentHours(hours: WorkingHours): {
  doctorId: string;
  timeZone: string;
  hours: { weekday: number; start: string; end: string }[];
} {
  return { ...hours, hours: presentWorkingHours(hours.hours) };
}

function presentException(exception: ExceptionRecord): {
  id: string;
  doctorId: string;
  date: string;
  kind: 'unavailable' | 'extra';
  start: string | null;
  end: string | null;
  reason: string | null;
  createdAt: string;
} {
  return {
    id: exception.id,
    doctorId: exception.doctorId,
    date: exception.date,
    kind: exception.kind,
    start: exception.startMinute === null ? null : formatMinuteOfDay(exception.startMinute),
    end: exception.endMinute === null ? null : formatMinuteOfDay(exception.endMinute),
    reason: exception.reason,
    createdAt: new Date(exception.createdAt).toISOString(),
  };
}

export function registerScheduleRoutes(api: Api, schedules: DoctorSchedulesService): void {
  api.get(
    '/api/v1/doctors/:id/working-hours',
    {
      config: { permission: 'doctors:read' },
      schema: {
        tags: ['doctors'],
        summary: "A doctor's weekly working hours, local to hospital.timezone",
        params: DoctorIdParams,
        response: { 200: WorkingHoursSchema },
      },
    },
    async (request) => presentHours(await schedules.workingHours(request.params.id)),
  );

  api.put(
    '/api/v1/doctors/:id/working-hours',
    {
      config: { permission: 'doctors:write' },
      schema: {
        tags: ['doctors'],
        summary: 'Replace the weekly working hours (breaks are gaps; overlapping intervals are refused)',
        params: DoctorIdParams,
        body: WorkingHoursBody,
        response: { 200: WorkingHoursSchema },
      },
    },
    async (request) =>
      presentHours(
        await schedules.replaceWorkingHours(request.params.id, request.body.hours, contextOf(request)),
      ),
  );

  api.get(
    '/api/v1/doctors/:id/exceptions',
    {
      config: { permission: 'doctors:read' },
      schema: {
        tags: ['doctors'],
        summary: 'Dated leave and extra sessions between from and to (default: the coming year)',
        params: DoctorIdParams,
        querystring: ExceptionListQuery,
        response: { 200: ExceptionList },
      },
    },
    async (request) => ({
      items: (await schedules.listExceptions(request.params.id, request.query)).map(presentException),
    }),
  );

  api.post(
    '/api/v1/doctors/:id/exceptions',
    {
      config: { permission: 'doctors:write' },
      schema: {
        tags: ['doctors'],
        summary: "Add leave ('unavailable', whole day without times) or an 'extra' session on a date",
        params: DoctorIdParams,
        body: AddExceptionBody,
        response: { 201: ExceptionSchema },
      },
    },
    async (request, reply) => {
      const exception = await schedules.addException(request.params.id, request.body, contextOf(request));
      return reply.code(201).send(presentException(exception));
    },
  );

  api.delete(
    '/api/v1/doctors/:id/exceptions/:exceptionId',
    {
      config: { permission: 'doctors:write' },
      schema: {
        tags: ['doctors'],
        summary: 'Remove a schedule exception',
        params: ExceptionParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await schedules.removeException(request.params.id, request.params.exceptionId, contextOf(request));
      return reply.code(204).send(null);
    },
  );
}
