import { Type, type Static } from 'typebox';
import { PageQuery } from '../../shared/pagination.js';

const Uuid = Type.String({ format: 'uuid' });
const Time = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.Object | typeof Type.String>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const REASON_MIN_LENGTH = 10;
export const REASON_MAX_LENGTH = 500;

export const REVIEW_OUTCOMES = ['justified', 'unjustified'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

const UserReference = Type.Object({ id: Uuid, username: Type.String() });
const UserWithRole = Type.Object({ id: Uuid, username: Type.String(), role: Type.String() });
const PatientReference = Type.Object({ id: Uuid, mrn: Type.String(), name: Type.String() });

export const PatientParams = Type.Object({ id: Uuid });
export const CareTeamMemberParams = Type.Object({ id: Uuid, memberId: Uuid });
export const GrantParams = Type.Object({ id: Uuid });

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })),
});

export const AddCareTeamMemberBody = Type.Object(
  {
    userId: Type.String({ format: 'uuid', description: 'The user account joining the care team' }),
    role: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'What they are to this patient: attending, consultant, nurse ...',
    }),
  },
  { additionalProperties: false },
);
export type AddCareTeamMemberInput = Static<typeof AddCareTeamMemberBody>;

export const CareTeamQuery = Type.Object(
  {
    includeEnded: Type.Optional(Type.Boolean({ default: false, description: 'Also ended memberships' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type CareTeamFilter = Static<typeof CareTeamQuery>;

export const CareTeamMemberSchema = Type.Object({
  id: Uuid,
  patientId: Uuid,
  user: UserWithRole,
  role: Type.String(),
  addedBy: Nullable(UserReference),
  addedAt: Time,
  endedAt: Nullable(Time),
  endedBy: Nullable(UserReference),
});

export const CareTeamList = Type.Object({
  items: Type.Array(CareTeamMemberSchema),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const BreakGlassBody = Type.Object(
  {
    reason: Type.String({
      minLength: REASON_MIN_LENGTH,
      maxLength: REASON_MAX_LENGTH,
      description: 'Why the record is needed now, for the reviewer (10-500 characters)',
    }),
  },
  { additionalProperties: false },
);
export type BreakGlassInput = Static<typeof BreakGlassBody>;

export const ReviewBody = Type.Object(
  {
    outcome: Type.Enum(REVIEW_OUTCOMES),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type ReviewInput = Static<typeof ReviewBody>;

export const GrantListQuery = Type.Object(
  {
    reviewed: Type.Optional(Type.Boolean({ description: 'false: the review queue; true: reviewed ones' })),
    userId: Type.Optional(Uuid),
    patientId: Type.Optional(Uuid),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type GrantFilter = Static<typeof GrantListQuery>;

export const GrantSchema = Type.Object({
  id: Uuid,
  patient: PatientReference,
  user: UserWithRole,
  reason: Type.String(),
  grantedAt: Time,
  expiresAt: Time,
  revokedAt: Nullable(Time),
  active: Type.Boolean({ description: 'The grant still opens the record' }),
  accessCount: Type.Integer({
    description: "Audited actions of the user on this patient's record while the grant was open",
  }),
  review: Nullable(
    Type.Object({
      outcome: Type.Enum(REVIEW_OUTCOMES),
      note: Nullable(Type.String()),
      reviewedBy: UserReference,
      reviewedAt: Time,
    }),
  ),
});

export const GrantList = Type.Object({
  items: Type.Array(GrantSchema),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
