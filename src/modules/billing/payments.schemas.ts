import { Type, type Static } from 'typebox';
import { PageQuery } from '../../shared/pagination.js';
import { INVOICE_STATUSES } from './invoices.schemas.js';

export const PAYMENT_METHODS = ['cash', 'card', 'bank_transfer', 'insurance'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

const Uuid = Type.String({ format: 'uuid' });
const Time = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
/** At most 10^15 cents: far above any invoice, well inside safe integers. */
const PositiveCents = Type.Integer({
  minimum: 1,
  maximum: 1_000_000_000_000_000,
  description: 'Integer cents',
});

export const CreatePaymentBody = Type.Object(
  {
    invoiceId: Uuid,
    amountCents: PositiveCents,
    method: Type.Enum(PAYMENT_METHODS),
    reference: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Card slip, transfer or payer reference' }),
    ),
  },
  { additionalProperties: false },
);
export type CreatePaymentInput = Static<typeof CreatePaymentBody>;

export const RefundBody = Type.Object(
  { amountCents: PositiveCents, reason: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);
export type RefundInput = Static<typeof RefundBody>;

/** The invoice as it stands after the payment or refund. */
export const InvoiceBalanceSchema = Type.Object({
  id: Uuid,
  number: Nullable(Type.String()),
  status: Type.Enum(INVOICE_STATUSES),
  totalCents: Type.Integer(),
  paidCents: Type.Integer(),
  outstandingCents: Type.Integer(),
});

export const RefundSchema = Type.Object({
  id: Uuid,
  paymentId: Uuid,
  invoiceId: Uuid,
  patientId: Uuid,
  amountCents: Type.Integer(),
  reason: Type.String(),
  refundedAt: Time,
  refundedBy: Nullable(Type.String({ description: 'Username' })),
});

export const PaymentSchema = Type.Object({
  id: Uuid,
  receiptNumber: Type.String({ description: 'RCP-YYYY-NNNNNN' }),
  invoiceId: Uuid,
  patientId: Uuid,
  amountCents: Type.Integer(),
  method: Type.Enum(PAYMENT_METHODS),
  reference: Nullable(Type.String()),
  claimId: Nullable(Uuid),
  refundedCents: Type.Integer(),
  refundableCents: Type.Integer({ description: 'amountCents - refundedCents' }),
  receivedAt: Time,
  receivedBy: Nullable(Type.String({ description: 'Username' })),
  invoice: InvoiceBalanceSchema,
});

export const RefundResult = Type.Object({
  ...RefundSchema.properties,
  payment: PaymentSchema,
});

export const PaymentListQuery = Type.Object(
  {
    invoiceId: Type.Optional(Uuid),
    patientId: Type.Optional(Uuid),
    method: Type.Optional(Type.Enum(PAYMENT_METHODS)),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type PaymentListCriteria = Static<typeof PaymentListQuery>;

export const PaymentList = Type.Object({
  items: Type.Array(PaymentSchema),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const PaymentIdParams = Type.Object({ id: Uuid });

export const ReceiptQuery = Type.Object(
  { format: Type.Optional(Type.Enum(['json', 'pdf'], { default: 'json' })) },
  { additionalProperties: false },
);

export const ReceiptSchema = Type.Object({
  receiptNumber: Type.String(),
  issuedAt: Time,
  payment: PaymentSchema,
  refunds: Type.Array(RefundSchema),
  patient: Type.Object({ id: Uuid, mrn: Type.String(), name: Type.String() }),
  invoice: Type.Object({
    ...InvoiceBalanceSchema.properties,
    issueDate: Nullable(Type.String({ format: 'date' })),
  }),
});
