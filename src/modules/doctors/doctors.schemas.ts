import { Type, type Static } from 'typebox';
import { PageQuery } from '../../shared/pagination.js';

const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const OptionalText = (maxLength: number, description?: string) =>
  Type.Optional(Type.Union([Text(maxLength, description), Type.Null()]));
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

const PHONE = {
  pattern: '^[+0-9 ()./-]{3,40}$',
  maxLength: 40,
  description: 'Digits, spaces and + ( ) . / -',
};

/** A local time of day in hospital.timezone; '24:00' ends a shift at midnight. */
export const TimeOfDay = Type.String({
  pattern: '^(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00)$',
  description: 'HH:MM, local time in hospital.timezone (24:00 is midnight at the end of the day)',
});

export const WorkingInterval = Type.Object(
  {
    weekday: Type.Integer({ minimum: 1, maximum: 7, description: 'ISO weekday: 1 = Monday ... 7 = Sunday' }),
    start: TimeOfDay,
    end: TimeOfDay,
  },
  { additionalProperties: false },
);

export const WorkingHoursBody = Type.Object(
  {
    hours: Type.Array(WorkingInterval, {
      maxItems: 100,
      description: 'Weekly intervals; a break is the gap between two intervals of one day',
    }),
  },
  { additionalProperties: false },
);

export const WorkingHoursSchema = Type.Object({
  doctorId: Type.String({ format: 'uuid' }),
  timeZone: Type.String({ description: 'hospital.timezone, in which the times are local' }),
  hours: Type.Array(WorkingInterval),
});

const editableFields = {
  name: Text(200, 'Full name'),
  licenseNumber: Text(64, 'Professional licence number; unique'),
  specialization: Text(200),
  departmentId: Type.String({ format: 'uuid' }),
  phone: Type.Optional(Type.Union([Type.String(PHONE), Type.Null()])),
  email: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Null()])),
  qualifications: OptionalText(2000),
  userId: Type.Optional(
    Type.Union([Type.String({ format: 'uuid', description: "The doctor's user account" }), Type.Null()]),
  ),
  slotMinutes: Type.Optional(
    Type.Integer({ minimum: 5, maximum: 480, description: 'Length of a bookable slot; default 15' }),
  ),
};

export const CreateDoctorBody = Type.Object(
  {
    ...editableFields,
    workingHours: Type.Optional(
      Type.Array(WorkingInterval, {
        maxItems: 100,
        description: 'Weekly hours; without them, Monday to Friday 08:00-17:00',
      }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateDoctorBody = Type.Object(
  {
    name: Type.Optional(editableFields.name),
    licenseNumber: Type.Optional(editableFields.licenseNumber),
    specialization: Type.Optional(editableFields.specialization),
    departmentId: Type.Optional(editableFields.departmentId),
    phone: editableFields.phone,
    email: editableFields.email,
    qualifications: editableFields.qualifications,
    userId: editableFields.userId,
    slotMinutes: editableFields.slotMinutes,
  },
  { additionalProperties: false, minProperties: 1 },
);

export const DoctorSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  licenseNumber: Type.String(),
  specialization: Type.String(),
  departmentId: Nullable(Type.String({ format: 'uuid' })),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  qualifications: Nullable(Type.String()),
  userId: Nullable(Type.String({ format: 'uuid' })),
  slotMinutes: Type.Integer(),
  archived: Type.Boolean(),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const DoctorSearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name' })),
    specialization: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the specialization' })),
    departmentId: Type.Optional(Type.String({ format: 'uuid' })),
    includeArchived: Type.Optional(Type.Boolean({ default: false })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const DoctorList = Type.Object({
  items: Type.Array(DoctorSchema),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const DoctorIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const ExceptionKind = Type.Union([Type.Literal('unavailable'), Type.Literal('extra')]);

export const AddExceptionBody = Type.Object(
  {
    date: Type.String({ format: 'date', description: 'YYYY-MM-DD, in hospital.timezone' }),
    kind: ExceptionKind,
    start: Type.Optional(TimeOfDay),
    end: Type.Optional(TimeOfDay),
    reason: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);

export const ExceptionSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  doctorId: Type.String({ format: 'uuid' }),
  date: Type.String({ format: 'date' }),
  kind: ExceptionKind,
  start: Nullable(TimeOfDay),
  end: Nullable(TimeOfDay),
  reason: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});

export const ExceptionListQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date', description: 'First date (default: today)' })),
    to: Type.Optional(Type.String({ format: 'date', description: 'Last date (default: a year on)' })),
  },
  { additionalProperties: false },
);

export const ExceptionList = Type.Object({ items: Type.Array(ExceptionSchema) });

export const ExceptionParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  exceptionId: Type.String({ format: 'uuid' }),
});

export type CreateDoctorInput = Static<typeof CreateDoctorBody>;
export type UpdateDoctorInput = Static<typeof UpdateDoctorBody>;
export type DoctorSearch = Static<typeof DoctorSearchQuery>;
export type WorkingIntervalInput = Static<typeof WorkingInterval>;
export type AddExceptionInput = Static<typeof AddExceptionBody>;
export type ExceptionListInput = Static<typeof ExceptionListQuery>;
