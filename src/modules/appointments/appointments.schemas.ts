import { Type, type Static } from 'typebox';
import { PageQuery } from '../../shared/pagination.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Instant = (description: string) => Type.String({ format: 'date-time', description });

export const APPOINTMENT_STATUSES = ['scheduled', 'checked_in', 'completed', 'cancelled', 'no_show'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export const AppointmentStatusSchema = Type.Union([
  Type.Literal('scheduled'),
  Type.Literal('checked_in'),
  Type.Literal('completed'),
  Type.Literal('cancelled'),
  Type.Literal('no_show'),
]);

const Overbook = Type.Optional(
  Type.Boolean({
    description:
      'Book outside the doctor working hours; only for roles with appointments:overbook, and audited',
  }),
);

export const BookAppointmentBody = Type.Object(
  {
    patientId: Type.String({ format: 'uuid' }),
    doctorId: Type.String({ format: 'uuid' }),
    start: Instant('RFC 3339, such as 2030-07-15T09:00:00+02:00'),
    end: Instant('RFC 3339; after start'),
    reason: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1000, description: 'Reason for the visit' }),
    ),
    overbook: Overbook,
  },
  { additionalProperties: false },
);

export const RescheduleBody = Type.Object(
  {
    start: Instant('New start, RFC 3339'),
    end: Instant('New end, RFC 3339'),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'Why it moved' })),
    overbook: Overbook,
  },
  { additionalProperties: false },
);

export const CancelBody = Type.Union([
  Type.Object(
    { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

export const AppointmentSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  patientId: Type.String({ format: 'uuid' }),
  patientName: Type.String(),
  patientMrn: Type.String(),
  doctorId: Type.String({ format: 'uuid' }),
  doctorName: Type.String(),
  start: Type.String({ format: 'date-time' }),
  end: Type.String({ format: 'date-time' }),
  status: AppointmentStatusSchema,
  reason: Nullable(Type.String()),
  overbooked: Type.Boolean({ description: 'Booked outside the doctor working hours' }),
  cancellationReason: Nullable(Type.String()),
  checkedInAt: Nullable(Type.String({ format: 'date-time' })),
  completedAt: Nullable(Type.String({ format: 'date-time' })),
  cancelledAt: Nullable(Type.String({ format: 'date-time' })),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const AppointmentListQuery = Type.Object(
  {
    doctorId: Type.Optional(Type.String({ format: 'uuid' })),
    departmentId: Type.Optional(
      Type.String({ format: 'uuid', description: "The department's doctors (the calendar of a department)" }),
    ),
    patientId: Type.Optional(Type.String({ format: 'uuid' })),
    date: Type.Optional(
      Type.String({ format: 'date', description: 'One day in hospital.timezone (instead of from/to)' }),
    ),
    from: Type.Optional(Instant('Appointments ending after this instant')),
    to: Type.Optional(Instant('Appointments starting before this instant')),
    status: Type.Optional(
      Type.Array(AppointmentStatusSchema, { maxItems: 5, description: 'One or more, repeated' }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const AppointmentList = Type.Object({
  items: Type.Array(AppointmentSchema),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const AppointmentIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const AppointmentChangeSchema = Type.Object({
  id: Type.Integer(),
  change: Type.Union([
    Type.Literal('booked'),
    Type.Literal('rescheduled'),
    Type.Literal('checked_in'),
    Type.Literal('completed'),
    Type.Literal('cancelled'),
    Type.Literal('no_show'),
  ]),
  fromStatus: Type.Union([AppointmentStatusSchema, Type.Null()]),
  toStatus: AppointmentStatusSchema,
  previousStart: Nullable(Type.String({ format: 'date-time' })),
  previousEnd: Nullable(Type.String({ format: 'date-time' })),
  start: Type.String({ format: 'date-time' }),
  end: Type.String({ format: 'date-time' }),
  overbooked: Type.Boolean(),
  note: Nullable(Type.String()),
  changedBy: Nullable(Type.String({ format: 'uuid' })),
  changedAt: Type.String({ format: 'date-time' }),
});

export const AppointmentChangeList = Type.Object({ items: Type.Array(AppointmentChangeSchema) });

export const FreeSlotsQuery = Type.Object(
  {
    doctorId: Type.Optional(Type.String({ format: 'uuid', description: 'One doctor; or departmentId' })),
    departmentId: Type.Optional(
      Type.String({ format: 'uuid', description: 'Every active doctor of the department' }),
    ),
    from: Instant('Start of the search window (slots in the past are left out)'),
    to: Instant('End of the search window; at most 31 days after from'),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const FreeSlotSchema = Type.Object({
  doctorId: Type.String({ format: 'uuid' }),
  doctorName: Type.String(),
  start: Type.String({ format: 'date-time' }),
  end: Type.String({ format: 'date-time' }),
});

export const FreeSlotList = Type.Object({
  items: Type.Array(FreeSlotSchema),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export type BookAppointmentInput = Static<typeof BookAppointmentBody>;
export type RescheduleInput = Static<typeof RescheduleBody>;
export type AppointmentListInput = Static<typeof AppointmentListQuery>;
export type FreeSlotsInput = Static<typeof FreeSlotsQuery>;
export type AppointmentChangeKind = Static<typeof AppointmentChangeSchema>['change'];
