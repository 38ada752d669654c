import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });
const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Provider = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'The payer, as claims are exported to it',
});
const PolicyNumber = Type.String({ minLength: 1, maxLength: 100 });
const CoverageBasisPoints = Type.Integer({
  minimum: 1,
  maximum: 10_000,
  description: 'Share of an invoice the payer covers, in basis points (8000 = 80 %)',
});

export const PatientParams = Type.Object({ id: Uuid });
export const CoverageParams = Type.Object({ id: Uuid });

export const AddCoverageBody = Type.Object(
  {
    provider: Provider,
    policyNumber: PolicyNumber,
    coverageBasisPoints: CoverageBasisPoints,
    validFrom: Day,
    validTo: Type.Optional(
      Type.Union([Day, Type.Null()], { description: 'Last covered day; null: open-ended' }),
    ),
  },
  { additionalProperties: false },
);
export type AddCoverageInput = Static<typeof AddCoverageBody>;

export const UpdateCoverageBody = Type.Object(
  {
    provider: Type.Optional(Provider),
    policyNumber: Type.Optional(PolicyNumber),
    coverageBasisPoints: Type.Optional(CoverageBasisPoints),
    validFrom: Type.Optional(Day),
    validTo: Type.Optional(Type.Union([Day, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCoverageInput = Static<typeof UpdateCoverageBody>;

export const CoverageSchema = Type.Object({
  id: Uuid,
  patientId: Uuid,
  provider: Type.String(),
  policyNumber: Type.String(),
  coverageBasisPoints: Type.Integer(),
  validFrom: Day,
  validTo: Type.Union([Day, Type.Null()]),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const CoverageList = Type.Object({ items: Type.Array(CoverageSchema), total: Type.Integer() });

export const EligibilityQuery = Type.Object(
  {
    date: Type.Optional(Type.String({ format: 'date', description: 'Day of service (default: today)' })),
    provider: Type.Optional(Provider),
  },
  { additionalProperties: false },
);
export type EligibilityCriteria = Static<typeof EligibilityQuery>;

export const EligibilitySchema = Type.Object({
  patientId: Uuid,
  date: Day,
  eligible: Type.Boolean(),
  reason: Type.String({ description: 'Why the patient is or is not covered on that day' }),
  coverages: Type.Array(CoverageSchema, { description: 'The coverages valid on that day' }),
});
