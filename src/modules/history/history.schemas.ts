import { Type, type Static } from 'typebox';
import { PageQuery } from '../../shared/pagination.js';

export const ENTRY_TYPES = [
  'diagnosis',
  'allergy',
  'medication',
  'procedure',
  'vital_signs',
  'clinical_note',
] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

export const ALLERGY_SEVERITIES = ['mild', 'moderate', 'severe', 'life_threatening'] as const;
export type AllergySeverity = (typeof ALLERGY_SEVERITIES)[number];

/** ICD-10 (WHO) code: a letter other than U, two characters, an optional dot and up to four more. */
export const ICD10_PATTERN = '^[A-TV-Z][0-9][0-9AB](\\.[0-9A-TV-Z]{1,4})?$';

const EntryTypeSchema = Type.Enum(ENTRY_TYPES);
const SeveritySchema = Type.Enum(ALLERGY_SEVERITIES);
const EntryText = Type.String({ minLength: 1, maxLength: 10_000 });
const Icd10Code = Type.String({
  pattern: ICD10_PATTERN,
  maxLength: 8,
  description: 'ICD-10, e.g. I10 or E11.9',
});

/** Plausible physiological ranges: a value outside them is a typing error, not a reading. */
export const VitalSignsSchema = Type.Object(
  {
    systolicMmHg: Type.Optional(Type.Integer({ minimum: 40, maximum: 300 })),
    diastolicMmHg: Type.Optional(Type.Integer({ minimum: 20, maximum: 200 })),
    pulseBpm: Type.Optional(Type.Integer({ minimum: 20, maximum: 300 })),
    temperatureCelsius: Type.Optional(Type.Number({ minimum: 25, maximum: 45 })),
    respiratoryRatePerMin: Type.Optional(Type.Integer({ minimum: 4, maximum: 80 })),
    oxygenSaturationPercent: Type.Optional(Type.Integer({ minimum: 50, maximum: 100 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type VitalSigns = Static<typeof VitalSignsSchema>;

export const AddEntryBody = Type.Object(
  {
    type: EntryTypeSchema,
    recordedAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'When it was observed; default now' }),
    ),
    text: Type.Optional(EntryText),
    icd10Code: Type.Optional(Icd10Code),
    severity: Type.Optional(SeveritySchema),
    vitals: Type.Optional(VitalSignsSchema),
  },
  { additionalProperties: false },
);
export type AddEntryInput = Static<typeof AddEntryBody>;

export const AmendEntryBody = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 1000, description: 'Why the entry is amended' }),
    recordedAt: Type.Optional(Type.String({ format: 'date-time' })),
    text: Type.Optional(Type.Union([EntryText, Type.Null()])),
    icd10Code: Type.Optional(Type.Union([Icd10Code, Type.Null()])),
    severity: Type.Optional(Type.Union([SeveritySchema, Type.Null()])),
    vitals: Type.Optional(VitalSignsSchema),
  },
  { additionalProperties: false },
);
export type AmendEntryInput = Static<typeof AmendEntryBody>;

export const EnteredInErrorBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);

const DateOrDateTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T.*)?$',
  maxLength: 40,
  description: 'YYYY-MM-DD (a whole day in hospital.timezone) or an RFC 3339 time',
});

export const TimelineQuery = Type.Object(
  {
    type: Type.Optional(EntryTypeSchema),
    from: Type.Optional(DateOrDateTime),
    to: Type.Optional(DateOrDateTime),
    includeEnteredInError: Type.Optional(Type.Boolean({ default: false })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type TimelineQueryInput = Static<typeof TimelineQuery>;

export const ExportQuery = Type.Object(
  {
    type: Type.Optional(EntryTypeSchema),
    from: Type.Optional(DateOrDateTime),
    to: Type.Optional(DateOrDateTime),
  },
  { additionalProperties: false },
);

const UserRef = Type.Object({ userId: Type.String(), username: Type.String() });

export const EntryVersionSchema = Type.Object({
  version: Type.Integer(),
  recordedAt: Type.String({ format: 'date-time' }),
  text: Type.Union([Type.String(), Type.Null()]),
  icd10Code: Type.Union([Type.String(), Type.Null()]),
  severity: Type.Union([SeveritySchema, Type.Null()]),
  vitals: Type.Union([VitalSignsSchema, Type.Null()]),
  amendmentReason: Type.Union([Type.String(), Type.Null()]),
  author: UserRef,
  createdAt: Type.String({ format: 'date-time' }),
});

export const EntrySchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  patientId: Type.String({ format: 'uuid' }),
  type: EntryTypeSchema,
  ...EntryVersionSchema.properties,
  firstRecordedBy: UserRef,
  firstCreatedAt: Type.String({ format: 'date-time' }),
  enteredInError: Type.Union([
    Type.Object({ reason: Type.String(), markedAt: Type.String({ format: 'date-time' }), markedBy: UserRef }),
    Type.Null(),
  ]),
});

export const Timeline = Type.Object({
  patient: Type.Object({
    id: Type.String({ format: 'uuid' }),
    mrn: Type.String(),
    name: Type.String(),
    dateOfBirth: Type.String({ format: 'date' }),
  }),
  items: Type.Array(EntrySchema),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const EntryVersions = Type.Object({
  entryId: Type.String({ format: 'uuid' }),
  currentVersion: Type.Integer(),
  items: Type.Array(EntryVersionSchema),
});

export const PatientParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const EntryParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  entryId: Type.String({ format: 'uuid' }),
});
