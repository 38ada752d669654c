import { Type, type Static } from 'typebox';
import { PageQuery } from '../../shared/pagination.js';

export const ADMISSION_STATUSES = ['admitted', 'transferred', 'discharged'] as const;
export type AdmissionStatus = (typeof ADMISSION_STATUSES)[number];

export const DISCHARGE_DISPOSITIONS = [
  'home',
  'transferred_out',
  'against_medical_advice',
  'deceased',
  'other',
] as const;
export type DischargeDisposition = (typeof DISCHARGE_DISPOSITIONS)[number];

const Uuid = Type.String({ format: 'uuid' });
const Time = Type.String({ format: 'date-time' });
const Ward = Type.String({ minLength: 1, maxLength: 100 });
const Bed = Type.String({ minLength: 1, maxLength: 50 });
const Note = Type.String({ minLength: 1, maxLength: 2000 });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

/** Emergency Severity Index: 1 (resuscitation, immediate) to 5 (non-urgent). */
const TriagePriority = Type.Integer({ minimum: 1, maximum: 5, description: 'ESI: 1 most urgent, 5 least' });

export const UnidentifiedPatientSchema = Type.Object(
  {
    sex: Type.Optional(Type.Enum(['female', 'male', 'other', 'unknown'])),
    estimatedAgeYears: Type.Integer({ minimum: 0, maximum: 120 }),
  },
  { additionalProperties: false },
);

export const AdmitBody = Type.Object(
  {
    patientId: Type.Optional(Uuid),
    unidentifiedPatient: Type.Optional(UnidentifiedPatientSchema),
    triagePriority: TriagePriority,
    chiefComplaint: Type.String({ minLength: 1, maxLength: 1000 }),
    arrivedAt: Type.Optional(Type.String({ format: 'date-time', description: 'Default: now' })),
    departmentId: Type.Optional(Uuid),
    doctorId: Type.Optional(Uuid),
    ward: Type.Optional(Ward),
    bed: Type.Optional(Bed),
  },
  { additionalProperties: false },
);
export type AdmitInput = Static<typeof AdmitBody>;

export const UpdateAdmissionBody = Type.Object(
  {
    triagePriority: Type.Optional(TriagePriority),
    chiefComplaint: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    doctorId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateAdmissionInput = Static<typeof UpdateAdmissionBody>;

export const TransferBody = Type.Object(
  {
    departmentId: Type.Optional(Uuid),
    ward: Type.Optional(Nullable(Ward)),
    bed: Type.Optional(Nullable(Bed)),
    doctorId: Type.Optional(Nullable(Uuid)),
    at: Type.Optional(Time),
    note: Type.Optional(Note),
  },
  { additionalProperties: false },
);
export type TransferInput = Static<typeof TransferBody>;

export const DischargeBody = Type.Object(
  {
    at: Type.Optional(Time),
    disposition: Type.Optional(Type.Enum(DISCHARGE_DISPOSITIONS)),
    note: Type.Optional(Note),
  },
  { additionalProperties: false },
);
export type DischargeInput = Static<typeof DischargeBody>;

export const IdentifyBody = Type.Object({ patientId: Uuid }, { additionalProperties: false });

const PatientBrief = Type.Object({
  id: Uuid,
  mrn: Type.String(),
  name: Type.String(),
  dateOfBirth: Type.String({ format: 'date' }),
  dateOfBirthEstimated: Type.Boolean(),
  sex: Type.String(),
  unidentified: Type.Boolean(),
});

const Place = {
  department: Type.Union([Type.Object({ id: Uuid, code: Type.String(), name: Type.String() }), Type.Null()]),
  doctor: Type.Union([Type.Object({ id: Uuid, name: Type.String() }), Type.Null()]),
  ward: Nullable(Type.String()),
  bed: Nullable(Type.String()),
};

export const MovementSchema = Type.Object({
  kind: Type.Enum(ADMISSION_STATUSES),
  at: Time,
  ...Place,
  note: Nullable(Type.String()),
  recordedBy: Nullable(Type.String()),
});

export const AdmissionSchema = Type.Object({
  id: Uuid,
  status: Type.Enum(ADMISSION_STATUSES),
  triagePriority: Type.Integer(),
  chiefComplaint: Type.String(),
  arrivedAt: Time,
  patient: PatientBrief,
  ...Place,
  dischargedAt: Nullable(Time),
  dischargeDisposition: Nullable(Type.String()),
  dischargeNote: Nullable(Type.String()),
  version: Type.Integer(),
  createdAt: Time,
  updatedAt: Time,
});

export const AdmissionDetail = Type.Object({
  ...AdmissionSchema.properties,
  movements: Type.Array(MovementSchema),
});

export const AdmissionListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum([...ADMISSION_STATUSES, 'open'])),
    departmentId: Type.Optional(Uuid),
    patientId: Type.Optional(Uuid),
    doctorId: Type.Optional(Uuid),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type AdmissionListFilter = Static<typeof AdmissionListQuery>;

export const AdmissionList = Type.Object({
  items: Type.Array(AdmissionSchema),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const BoardQuery = Type.Object(
  { departmentId: Type.Optional(Uuid), ...PageQuery },
  { additionalProperties: false },
);
export type BoardFilter = Static<typeof BoardQuery>;

export const Board = Type.Object({
  generatedAt: Time,
  total: Type.Integer({ description: 'Open admissions in all' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
  items: Type.Array(Type.Object({ ...AdmissionSchema.properties, minutesSinceArrival: Type.Integer() })),
});

export const AdmissionIdParams = Type.Object({ id: Uuid });
