import type { Queryable } from '../../db/index.js';

/** What the finance report covers: whole days in `timeZone`, both included, and optionally one department. */
export interface FinanceScope {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly departmentId: string | null;
  readonly groupBy: 'day' | 'month';
}

export interface RevenueFigures {
  readonly invoiceCount: number;
  readonly subtotalCents: number;
  readonly discountCents: number;
  readonly revenueCents: number;
  readonly taxCents: number;
  readonly invoicedCents: number;
}

export interface PeriodRevenue extends RevenueFigures {
  readonly period: string;
}

export interface DepartmentRevenue extends RevenueFigures {
  readonly departmentId: string | null;
  readonly departmentCode: string | null;
  readonly departmentName: string;
}

export interface ServiceRevenue {
  readonly serviceCode: string | null;
  readonly description: string;
  readonly lineCount: number;
  readonly quantity: number;
  readonly grossCents: number;
}

export type Payer = 'insurance' | 'self_pay';

export interface PayerFigures {
  readonly payer: Payer;
  readonly paymentCount: number;
  readonly paymentsCents: number;
  readonly refundCount: number;
  readonly refundsCents: number;
  readonly netCents: number;
}

export const AGEING_BUCKETS = ['0-30', '31-60', '61-90', '90+'] as const;
export type AgeingBucket = (typeof AGEING_BUCKETS)[number];

export interface AgeingFigures {
  readonly bucket: AgeingBucket;
  readonly invoiceCount: number;
  readonly outstandingCents: number;
}

/**
 * Revenue is accrual: invoices issued in the period (by their issue date in the hospital's time zone),
 * void ones left out. revenueCents = subtotal - discount (what the hospital earned); taxCents is
 * collected for the tax office; invoicedCents = revenue + tax (what patients and payers were billed).
 */
const REVENUE_COLUMNS = `count(*)::int AS "invoiceCount",
  coalesce(sum(i.subtotal_cents), 0) AS "subtotalCents", coalesce(sum(i.discount_cents), 0) AS "discountCents",
  coalesce(sum(i.subtotal_cents - i.discount_cents), 0) AS "revenueCents",
  coalesce(sum(i.tax_cents), 0) AS "taxCents", coalesce(sum(i.total_cents), 0) AS "invoicedCents"`;

/** $1 first day, $2 last day, $3 department (or null). */
const REVENUE_WHERE = `i.status IN ('issued', 'partially_paid', 'paid') AND i.issue_date BETWEEN $1::date AND $2::date
  AND ($3::uuid IS NULL OR i.department_id = $3::uuid)`;

/** Local midnight starting the first day and ending the last, with $4 the time zone. */
const PERIOD_START = `(($1::date)::timestamp AT TIME ZONE $4::text)`;
const PERIOD_END = `((($2::date) + 1)::timestamp AT TIME ZONE $4::text)`;

const numbers = <T>(row: Record<string, unknown>, keys: readonly string[]): T => {
  const copy: Record<string, unknown> = { ...row };
  for (const key of keys) copy[key] = Number(row[key]);
  return copy as T;
};
const REVENUE_KEYS = [
  'invoiceCount',
  'subtotalCents',
  'discountCents',
  'revenueCents',
  'taxCents',
  'invoicedCents',
];

const baseParams = (scope: FinanceScope): unknown[] => [scope.from, scope.to, scope.departmentId];

export async function revenueTotals(db: Queryable, scope: FinanceScope): Promise<RevenueFigures> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT ${REVENUE_COLUMNS} FROM invoices i WHERE ${REVENUE_WHERE}`,
    baseParams(scope),
  );
  return numbers<RevenueFigures>(result.rows[0]!, REVENUE_KEYS);
}

export async function revenueByPeriod(db: Queryable, scope: FinanceScope): Promise<PeriodRevenue[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT to_char(i.issue_date, $4::text) AS period, ${REVENUE_COLUMNS}
       FROM invoices i WHERE ${REVENUE_WHERE} GROUP BY 1 ORDER BY 1`,
    [...baseParams(scope), scope.groupBy === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM'],
  );
  return result.rows.map((row) => numbers<PeriodRevenue>(row, REVENUE_KEYS));
}

export async function revenueByDepartment(db: Queryable, scope: FinanceScope): Promise<DepartmentRevenue[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT i.department_id AS "departmentId", d.code AS "departmentCode",
            coalesce(d.name, 'No department') AS "departmentName", ${REVENUE_COLUMNS}
       FROM invoices i LEFT JOIN departments d ON d.id = i.department_id
      WHERE ${REVENUE_WHERE}
      GROUP BY i.department_id, d.code, d.name ORDER BY d.name NULLS LAST, i.department_id`,
    baseParams(scope),
  );
  return result.rows.map((row) => numbers<DepartmentRevenue>(row, REVENUE_KEYS));
}

/** Line amounts (quantity × unit price) by service code, before invoice-level discount and tax. */
export async function revenueByService(db: Queryable, scope: FinanceScope): Promise<ServiceRevenue[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT it.service_code AS "serviceCode",
            CASE WHEN it.service_code IS NULL THEN 'Without service code' ELSE min(it.description) END AS description,
            count(*)::int AS "lineCount", coalesce(sum(it.quantity), 0) AS quantity,
            coalesce(sum(it.line_total_cents), 0) AS "grossCents"
       FROM invoices i JOIN invoice_items it ON it.invoice_id = i.id
      WHERE ${REVENUE_WHERE}
      GROUP BY it.service_code ORDER BY it.service_code NULLS LAST`,
    baseParams(scope),
  );
  return result.rows.map((row) => numbers<ServiceRevenue>(row, ['lineCount', 'quantity', 'grossCents']));
}

/**
 * Money actually received and returned in the period (cash basis), by who paid: insurance payments
 * against everything else (self-pay). A refund counts against the payer of the payment it returns.
 */
export async function payerMix(db: Queryable, scope: FinanceScope): Promise<PayerFigures[]> {
  const params = [...baseParams(scope), scope.timeZone];
  const payer = `CASE WHEN p.method = 'insurance' THEN 'insurance' ELSE 'self_pay' END`;
  const payments = await db.query<{ payer: Payer; count: number; cents: number }>(
    `SELECT ${payer} AS payer, count(*)::int AS count, coalesce(sum(p.amount_cents), 0) AS cents
       FROM payments p JOIN invoices i ON i.id = p.invoice_id
      WHERE p.received_at >= ${PERIOD_START} AND p.received_at < ${PERIOD_END}
        AND ($3::uuid IS NULL OR i.department_id = $3::uuid)
      GROUP BY 1`,
    params,
  );
  const refunds = await db.query<{ payer: Payer; count: number; cents: number }>(
    `SELECT ${payer} AS payer, count(*)::int AS count, coalesce(sum(r.amount_cents), 0) AS cents
       FROM payment_refunds r JOIN payments p ON p.id = r.payment_id JOIN invoices i ON i.id = r.invoice_id
      WHERE r.refunded_at >= ${PERIOD_START} AND r.refunded_at < ${PERIOD_END}
        AND ($3::uuid IS NULL OR i.department_id = $3::uuid)
      GROUP BY 1`,
    params,
  );
  return (['insurance', 'self_pay'] as const).map((key) => {
    const paid = payments.rows.find((row) => row.payer === key);
    const refunded = refunds.rows.find((row) => row.payer === key);
    const paymentsCents = Number(paid?.cents ?? 0);
    const refundsCents = Number(refunded?.cents ?? 0);
    return {
      payer: key,
      paymentCount: paid?.count ?? 0,
      paymentsCents,
      refundCount: refunded?.count ?? 0,
      refundsCents,
      netCents: paymentsCents - refundsCents,
    };
  });
}

/**
 * Receivables as they stood at the end of the last day: every invoice issued by then and not void,
 * with what was still owed on it then (total - payments + refunds up to that instant), aged in days
 * from its issue date to the last day. Not limited to invoices issued within the period.
 */
export async function ageing(db: Queryable, scope: FinanceScope): Promise<AgeingFigures[]> {
  // $1 the last day, $2 the department (or null), $3 the time zone.
  const endOfLastDay = `((($1::date) + 1)::timestamp AT TIME ZONE $3::text)`;
  const result = await db.query<{ bucket: AgeingBucket; invoiceCount: number; outstandingCents: number }>(
    `WITH owed AS (
       SELECT $1::date - i.issue_date AS age_days,
              i.total_cents
                - coalesce((SELECT sum(p.amount_cents) FROM payments p
                             WHERE p.invoice_id = i.id AND p.received_at < ${endOfLastDay}), 0)
                + coalesce((SELECT sum(r.amount_cents) FROM payment_refunds r
                             WHERE r.invoice_id = i.id AND r.refunded_at < ${endOfLastDay}), 0) AS outstanding
         FROM invoices i
        WHERE i.status IN ('issued', 'partially_paid', 'paid') AND i.issue_date <= $1::date
          AND ($2::uuid IS NULL OR i.department_id = $2::uuid)
     )
     SELECT CASE WHEN age_days <= 30 THEN '0-30' WHEN age_days <= 60 THEN '31-60'
                 WHEN age_days <= 90 THEN '61-90' ELSE '90+' END AS bucket,
            count(*)::int AS "invoiceCount", coalesce(sum(outstanding), 0) AS "outstandingCents"
       FROM owed WHERE outstanding > 0 GROUP BY 1`,
    [scope.to, scope.departmentId, scope.timeZone],
  );
  return AGEING_BUCKETS.map((bucket) => {
    const row = result.rows.find((candidate) => candidate.bucket === bucket);
    return {
      bucket,
      invoiceCount: row?.invoiceCount ?? 0,
      outstandingCents: Number(row?.outstandingCents ?? 0),
    };
  });
}
