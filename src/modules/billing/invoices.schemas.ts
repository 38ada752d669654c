import { Type, type Static } from 'typebox';
import { PageQuery } from '../../shared/pagination.js';

export const INVOICE_STATUSES = ['draft', 'issued', 'partially_paid', 'paid', 'void'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

const Uuid = Type.String({ format: 'uuid' });
const Time = Type.String({ format: 'date-time' });
const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const NullableInteger = Type.Union([Type.Integer(), Type.Null()]);

/** Up to 100 million in money units per unit, so that no product of the arithmetic leaves safe integers. */
const MAX_UNIT_PRICE_CENTS = 10_000_000_000;
const BasisPoints = (description: string) =>
  Type.Integer({
    minimum: 0,
    maximum: 10_000,
    description: `${description}, in basis points (1950 = 19.5 %)`,
  });

export const InvoiceItemInput = Type.Object(
  {
    serviceCode: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$',
        description: 'The tariff code of the service, e.g. CONS-GP',
      }),
    ),
    description: Type.String({ minLength: 1, maxLength: 500 }),
    quantity: Type.Integer({ minimum: 1, maximum: 100_000 }),
    unitPriceCents: Type.Integer({ minimum: 0, maximum: MAX_UNIT_PRICE_CENTS, description: 'Integer cents' }),
  },
  { additionalProperties: false },
);
export type InvoiceItemInput = Static<typeof InvoiceItemInput>;

const Items = Type.Array(InvoiceItemInput, { minItems: 1, maxItems: 200 });

const draftFields = {
  items: Items,
  discountCents: Type.Optional(
    Type.Integer({ minimum: 0, description: 'A fixed discount off the subtotal, in cents' }),
  ),
  discountBasisPoints: Type.Optional(
    BasisPoints('A discount as a share of the subtotal; rounded half up to whole cents'),
  ),
  taxRateBasisPoints: Type.Optional(
    BasisPoints('Tax on the discounted subtotal; rounded half up once per invoice. Default 0'),
  ),
  departmentId: Type.Optional(Uuid),
  appointmentId: Type.Optional(Uuid),
  admissionId: Type.Optional(Uuid),
  notes: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
};

export const CreateInvoiceBody = Type.Object(
  { patientId: Uuid, ...draftFields },
  {
    additionalProperties: false,
    description:
      'A draft invoice. The department is taken from departmentId, else from the appointment (its doctor) or the admission.',
  },
);
export type CreateInvoiceInput = Static<typeof CreateInvoiceBody>;

export const UpdateInvoiceBody = Type.Object(
  {
    items: Type.Optional(Items),
    discountCents: Type.Optional(Type.Integer({ minimum: 0 })),
    discountBasisPoints: Type.Optional(BasisPoints('A discount as a share of the subtotal')),
    taxRateBasisPoints: Type.Optional(BasisPoints('Tax on the discounted subtotal')),
    departmentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    notes: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 2000 }), Type.Null()])),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'Changes to a draft; issued invoices are never edited',
  },
);
export type UpdateInvoiceInput = Static<typeof UpdateInvoiceBody>;

export const VoidInvoiceBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);

export const InvoiceItemSchema = Type.Object({
  id: Uuid,
  position: Type.Integer(),
  serviceCode: Nullable(Type.String()),
  description: Type.String(),
  quantity: Type.Integer(),
  unitPriceCents: Type.Integer(),
  lineTotalCents: Type.Integer(),
});

const summaryFields = {
  id: Uuid,
  number: Nullable(Type.String({ description: 'INV-YYYY-NNNNNN, gapless per year; null while draft' })),
  patientId: Uuid,
  status: Type.Enum(INVOICE_STATUSES),
  departmentId: Nullable(Uuid),
  subtotalCents: Type.Integer(),
  discountCents: Type.Integer(),
  taxCents: Type.Integer(),
  totalCents: Type.Integer(),
  paidCents: Type.Integer({ description: 'Payments less refunds' }),
  outstandingCents: Type.Integer({ description: 'totalCents - paidCents; never negative' }),
  issueDate: Nullable(Day),
  issuedAt: Nullable(Time),
  createdAt: Time,
  version: Type.Integer(),
};

export const InvoiceSummarySchema = Type.Object(summaryFields);

export const InvoiceSchema = Type.Object({
  ...summaryFields,
  appointmentId: Nullable(Uuid),
  admissionId: Nullable(Uuid),
  items: Type.Array(InvoiceItemSchema),
  discountBasisPoints: NullableInteger,
  taxRateBasisPoints: Type.Integer(),
  notes: Nullable(Type.String()),
  voidedAt: Nullable(Time),
  voidReason: Nullable(Type.String()),
  replacesInvoiceId: Nullable(Uuid),
  replacedByInvoiceId: Nullable(Uuid),
  updatedAt: Time,
});

export const InvoiceListQuery = Type.Object(
  {
    patientId: Type.Optional(Uuid),
    status: Type.Optional(Type.Enum(INVOICE_STATUSES)),
    from: Type.Optional(Type.String({ format: 'date', description: 'Issued on or after (YYYY-MM-DD)' })),
    to: Type.Optional(Type.String({ format: 'date', description: 'Issued on or before (YYYY-MM-DD)' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type InvoiceListCriteria = Static<typeof InvoiceListQuery>;

export const InvoiceListItemSchema = Type.Object({
  ...summaryFields,
  patientName: Type.String(),
  patientMrn: Type.String(),
});

export const InvoiceList = Type.Object({
  items: Type.Array(InvoiceListItemSchema),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const InvoiceIdParams = Type.Object({ id: Uuid });
