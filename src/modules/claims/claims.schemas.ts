import { Type, type Static } from 'typebox';
import { PageQuery } from '../../shared/pagination.js';

export const CLAIM_STATUSES = [
  'submitted',
  'in_review',
  'approved',
  'partially_approved',
  'rejected',
  'paid',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

const Uuid = Type.String({ format: 'uuid' });
const Time = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const NullableInteger = Type.Union([Type.Integer(), Type.Null()]);
const PositiveCents = Type.Integer({
  minimum: 1,
  maximum: 1_000_000_000_000_000,
  description: 'Integer cents',
});
const Note = Type.String({ minLength: 1, maxLength: 2000 });

export const CreateClaimBody = Type.Object(
  {
    invoiceId: Uuid,
    coverageId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'Default: the coverage valid on the invoice date (required when there are several)',
      }),
    ),
    amountCents: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000_000_000_000,
        description:
          "Default: the coverage's share of the invoice total (rounded half up), at most what is outstanding",
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateClaimInput = Static<typeof CreateClaimBody>;

export const DecisionBody = Type.Object(
  {
    outcome: Type.Enum(['approved', 'partially_approved', 'rejected']),
    approvedCents: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Required for partially_approved; less than claimed' }),
    ),
    reason: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1000, description: 'Required for rejected' }),
    ),
  },
  { additionalProperties: false },
);
export type DecisionInput = Static<typeof DecisionBody>;

export const AppealBody = Type.Object({ note: Note }, { additionalProperties: false });

export const ClaimPaymentBody = Type.Object(
  {
    amountCents: Type.Optional(PositiveCents),
    reference: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: "The payer's remittance reference" }),
    ),
  },
  { additionalProperties: false },
);
export type ClaimPaymentInput = Static<typeof ClaimPaymentBody>;

export const ClaimEventSchema = Type.Object({
  fromStatus: Type.Union([Type.Enum(CLAIM_STATUSES), Type.Null()]),
  toStatus: Type.Enum(CLAIM_STATUSES),
  amountCents: NullableInteger,
  note: Nullable(Type.String()),
  changedBy: Nullable(Type.String({ description: 'Username' })),
  changedAt: Time,
});

const claimFields = {
  id: Uuid,
  claimNumber: Type.String({ description: 'CLM-YYYY-NNNNNN' }),
  invoiceId: Uuid,
  invoiceNumber: Type.String(),
  patientId: Uuid,
  coverageId: Uuid,
  payer: Type.String(),
  policyNumber: Type.String(),
  status: Type.Enum(CLAIM_STATUSES),
  claimedCents: Type.Integer(),
  approvedCents: NullableInteger,
  paidCents: Type.Integer(),
  rejectionReason: Nullable(Type.String()),
  appealNote: Nullable(Type.String()),
  appealCount: Type.Integer(),
  submittedAt: Time,
  decidedAt: Nullable(Time),
  paidAt: Nullable(Time),
  version: Type.Integer(),
};

export const ClaimSummarySchema = Type.Object(claimFields);

export const ClaimSchema = Type.Object({
  ...claimFields,
  events: Type.Array(ClaimEventSchema),
  paymentId: Nullable(Uuid),
});

export const ClaimListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(CLAIM_STATUSES)),
    payer: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    patientId: Type.Optional(Uuid),
    invoiceId: Type.Optional(Uuid),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type ClaimListCriteria = Static<typeof ClaimListQuery>;

export const ClaimList = Type.Object({
  items: Type.Array(ClaimSummarySchema),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const ClaimExportQuery = Type.Object(
  {
    payer: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The payer (coverage provider), any case',
    }),
    status: Type.Optional(Type.Enum(CLAIM_STATUSES, { default: 'submitted' })),
  },
  { additionalProperties: false },
);
export type ClaimExportCriteria = Static<typeof ClaimExportQuery>;

export const ClaimIdParams = Type.Object({ id: Uuid });
