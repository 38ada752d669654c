import { Type, type Static } from 'typebox';
import { AGEING_BUCKETS } from './finance-report.queries.js';

const Day = (description: string) => Type.String({ format: 'date', description });
const Cents = Type.Integer({ description: 'Integer cents' });
const Count = Type.Integer();
const NullableText = Type.Union([Type.String(), Type.Null()]);

export const FinanceReportQuery = Type.Object(
  {
    from: Type.Optional(Day('First day, YYYY-MM-DD in hospital.timezone (default: first of this month)')),
    to: Type.Optional(Day('Last day, included (default: today)')),
    departmentId: Type.Optional(Type.String({ format: 'uuid', description: 'One department only' })),
    groupBy: Type.Optional(
      Type.Union([Type.Literal('day'), Type.Literal('month')], {
        default: 'month',
        description: 'Periods of revenueByPeriod',
      }),
    ),
    format: Type.Optional(
      Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('pdf')], { default: 'json' }),
    ),
  },
  { additionalProperties: false },
);
export type FinanceReportQuery = Static<typeof FinanceReportQuery>;

const revenue = {
  invoiceCount: Count,
  subtotalCents: Cents,
  discountCents: Cents,
  revenueCents: Type.Integer({ description: 'Subtotal less discounts, before tax' }),
  taxCents: Cents,
  invoicedCents: Type.Integer({ description: 'Revenue plus tax' }),
};

export const FinanceReportSchema = Type.Object({
  report: Type.Literal('finance'),
  title: Type.String(),
  filters: Type.Object({
    from: Type.String({ format: 'date' }),
    to: Type.String({ format: 'date' }),
    timeZone: Type.String(),
    groupBy: Type.Union([Type.Literal('day'), Type.Literal('month')]),
    departmentId: NullableText,
    departmentName: NullableText,
  }),
  generatedAt: Type.String({ format: 'date-time' }),
  generatedBy: Type.String({ description: 'Username' }),
  totals: Type.Object({
    ...revenue,
    paymentsCents: Cents,
    refundsCents: Cents,
    collectedCents: Type.Integer({ description: 'Payments less refunds in the period' }),
    insuranceCollectedCents: Cents,
    selfPayCollectedCents: Cents,
    outstandingInvoiceCount: Count,
    outstandingCents: Type.Integer({ description: 'Owed at the end of the last day (sum of the ageing)' }),
  }),
  revenueByPeriod: Type.Array(Type.Object({ period: Type.String(), ...revenue })),
  revenueByDepartment: Type.Array(
    Type.Object({
      departmentId: NullableText,
      departmentCode: NullableText,
      departmentName: Type.String(),
      ...revenue,
    }),
  ),
  revenueByService: Type.Array(
    Type.Object({
      serviceCode: NullableText,
      description: Type.String(),
      lineCount: Count,
      quantity: Count,
      grossCents: Type.Integer({ description: 'Line amounts before invoice discounts and tax' }),
    }),
  ),
  payerMix: Type.Array(
    Type.Object({
      payer: Type.Union([Type.Literal('insurance'), Type.Literal('self_pay')]),
      paymentCount: Count,
      paymentsCents: Cents,
      refundCount: Count,
      refundsCents: Cents,
      netCents: Cents,
    }),
  ),
  ageing: Type.Array(
    Type.Object({ bucket: Type.Enum(AGEING_BUCKETS), invoiceCount: Count, outstandingCents: Cents }),
  ),
});
