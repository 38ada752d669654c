import { Type, type Static } from 'typebox';
import { PageQuery } from '../../shared/pagination.js';
import { COUNT_CAP } from './patients.repository.js';

const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const OptionalText = (maxLength: number, description?: string) =>
  Type.Optional(Type.Union([Text(maxLength, description), Type.Null()]));

export const SexSchema = Type.Union([
  Type.Literal('female'),
  Type.Literal('male'),
  Type.Literal('other'),
  Type.Literal('unknown'),
]);

const PHONE = {
  pattern: '^[+0-9 ()./-]{3,40}$',
  maxLength: 40,
  description: 'Digits, spaces and + ( ) . / -',
};

const editableFields = {
  name: Text(200, 'Full name as on the identity document'),
  dateOfBirth: Type.String({ format: 'date', description: 'YYYY-MM-DD' }),
  sex: Type.Optional(SexSchema),
  phone: Type.Optional(Type.Union([Type.String(PHONE), Type.Null()])),
  email: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Null()])),
  address: OptionalText(500),
  emergencyContactName: OptionalText(200),
  emergencyContactPhone: Type.Optional(Type.Union([Type.String(PHONE), Type.Null()])),
  insuranceProvider: OptionalText(200),
  insuranceNumber: OptionalText(100, 'Stored encrypted; found by an exact search (q)'),
  nationalId: OptionalText(
    64,
    'National identifier (e.g. social security number); stored encrypted, found by an exact search (q)',
  ),
};

export const RegisterPatientBody = Type.Object(editableFields, { additionalProperties: false });

export const UpdatePatientBody = Type.Object(
  {
    name: Type.Optional(editableFields.name),
    dateOfBirth: Type.Optional(editableFields.dateOfBirth),
    sex: editableFields.sex,
    phone: editableFields.phone,
    email: editableFields.email,
    address: editableFields.address,
    emergencyContactName: editableFields.emergencyContactName,
    emergencyContactPhone: editableFields.emergencyContactPhone,
    insuranceProvider: editableFields.insuranceProvider,
    insuranceNumber: editableFields.insuranceNumber,
    nationalId: editableFields.nationalId,
  },
  { additionalProperties: false, minProperties: 1 },
);

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const PatientSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  mrn: Type.String({ description: 'Medical record number' }),
  name: Type.String(),
  dateOfBirth: Type.String({ format: 'date' }),
  sex: SexSchema,
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  address: Nullable(Type.String()),
  emergencyContactName: Nullable(Type.String()),
  emergencyContactPhone: Nullable(Type.String()),
  insuranceProvider: Nullable(Type.String()),
  insuranceNumber: Nullable(Type.String()),
  nationalId: Nullable(Type.String()),
  archived: Type.Boolean(),
  unidentified: Type.Boolean({
    description: 'A temporary record opened by an emergency admission for a patient not yet identified',
  }),
  dateOfBirthEstimated: Type.Boolean({ description: 'The date of birth is an estimate' }),
  mergedIntoPatientId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
    description: 'Set on a record archived by a merge or an identification: the record its data moved to',
  }),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const PatientSummary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  mrn: Type.String(),
  name: Type.String(),
  dateOfBirth: Type.String({ format: 'date' }),
  sex: SexSchema,
  phone: Nullable(Type.String()),
  archived: Type.Boolean(),
});

export const RegisteredPatient = Type.Object({
  ...PatientSchema.properties,
  warnings: Type.Array(
    Type.Object({
      code: Type.Literal('possible_duplicate'),
      message: Type.String(),
      patients: Type.Array(PatientSummary),
    }),
  ),
});

export const PatientSearchQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          'Part of the name, or exactly an MRN, national id or insurance policy number, or a phone number',
      }),
    ),
    includeArchived: Type.Optional(Type.Boolean({ default: false })),
    sort: Type.Optional(
      Type.Union([
        Type.Literal('name'),
        Type.Literal('mrn'),
        Type.Literal('dateOfBirth'),
        Type.Literal('createdAt'),
      ]),
    ),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const PatientList = Type.Object({
  items: Type.Array(PatientSummary),
  total: Type.Integer({
    description: `Matches, counted up to ${COUNT_CAP}; with a search term, pages end there (refine the term)`,
  }),
  totalIsLowerBound: Type.Boolean({ description: 'True when there are more matches than counted' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const PatientIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export type RegisterPatientInput = Static<typeof RegisterPatientBody>;
export type UpdatePatientInput = Static<typeof UpdatePatientBody>;
export type PatientSearch = Static<typeof PatientSearchQuery>;
