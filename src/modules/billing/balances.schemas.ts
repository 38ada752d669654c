import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });
const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD, in hospital.timezone' });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const PatientParams = Type.Object({ id: Uuid });

export const BalanceSchema = Type.Object({
  patientId: Uuid,
  invoicedCents: Type.Integer({ description: 'Totals of issued invoices (void ones left out)' }),
  paidCents: Type.Integer({ description: 'Payments less refunds on them' }),
  outstandingCents: Type.Integer({ description: 'invoicedCents - paidCents' }),
  openInvoiceCount: Type.Integer({ description: 'Issued invoices with something outstanding' }),
});

export const STATEMENT_FORMATS = ['json', 'pdf'] as const;
export type StatementFormat = (typeof STATEMENT_FORMATS)[number];

export const StatementQuery = Type.Object(
  {
    from: Type.Optional(Day),
    to: Type.Optional(Day),
    format: Type.Optional(
      Type.Enum(STATEMENT_FORMATS, {
        default: 'json',
        description: 'pdf: a printable statement to hand over',
      }),
    ),
  },
  { additionalProperties: false },
);
export type StatementCriteria = Static<typeof StatementQuery>;

export const STATEMENT_LINE_KINDS = ['invoice', 'payment', 'refund', 'void'] as const;
export type StatementLineKind = (typeof STATEMENT_LINE_KINDS)[number];

export const StatementSchema = Type.Object({
  patient: Type.Object({ id: Uuid, mrn: Type.String(), name: Type.String() }),
  from: Nullable(Day),
  to: Day,
  timeZone: Type.String(),
  openingBalanceCents: Type.Integer({ description: 'Owed at the start of `from`' }),
  lines: Type.Array(
    Type.Object({
      at: Type.String({ format: 'date-time' }),
      kind: Type.Enum(STATEMENT_LINE_KINDS),
      reference: Type.String({ description: 'Invoice or receipt number' }),
      invoiceId: Uuid,
      invoiceNumber: Type.String(),
      description: Type.String(),
      debitCents: Type.Integer({ description: 'What the patient came to owe' }),
      creditCents: Type.Integer({ description: 'What settled or cancelled it' }),
      balanceCents: Type.Integer({ description: 'Running balance after this line' }),
    }),
  ),
  totalDebitsCents: Type.Integer(),
  totalCreditsCents: Type.Integer(),
  closingBalanceCents: Type.Integer({ description: 'Owed at the end of `to`' }),
});
