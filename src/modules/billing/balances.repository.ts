import type { Queryable } from '../../db/index.js';
import type { StatementLineKind } from './balances.schemas.js';

export interface BalanceRecord {
  readonly patientId: string;
  readonly invoicedCents: number;
  readonly paidCents: number;
  readonly outstandingCents: number;
  readonly openInvoiceCount: number;
}

export async function findBalance(db: Queryable, patientId: string): Promise<BalanceRecord> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT coalesce(sum(total_cents), 0) AS invoiced, coalesce(sum(paid_cents), 0) AS paid,
            coalesce(sum(outstanding_cents), 0) AS outstanding,
            count(*) FILTER (WHERE outstanding_cents > 0)::int AS open_count
       FROM invoices WHERE patient_id = $1 AND status IN ('issued', 'partially_paid', 'paid')`,
    [patientId],
  );
  const row = result.rows[0]!;
  return {
    patientId,
    invoicedCents: Number(row['invoiced']),
    paidCents: Number(row['paid']),
    outstandingCents: Number(row['outstanding']),
    openInvoiceCount: row['open_count'] as number,
  };
}

export interface StatementEntry {
  readonly at: string;
  readonly kind: StatementLineKind;
  readonly reference: string;
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly description: string;
  readonly debitCents: number;
  readonly creditCents: number;
}

/**
 * Everything that moved the patient's balance: an issued invoice (debit), its voiding (credit), a payment
 * (credit) and a refund (debit). Drafts never count. Bounds are instants; null means unbounded.
 */
const ENTRIES = `
  SELECT i.issued_at AS at, 'invoice' AS kind, i.number AS reference, i.id AS invoice_id,
         i.number AS invoice_number, 'Invoice issued' AS description, i.total_cents AS debit, 0::bigint AS credit
    FROM invoices i WHERE i.patient_id = $1 AND i.issued_at IS NOT NULL
  UNION ALL
  SELECT i.voided_at, 'void', i.number, i.id, i.number, 'Invoice voided: ' || i.void_reason, 0, i.total_cents
    FROM invoices i WHERE i.patient_id = $1 AND i.status = 'void' AND i.issued_at IS NOT NULL
  UNION ALL
  SELECT p.received_at, 'payment', p.receipt_number, p.invoice_id, i.number,
         'Payment (' || replace(p.method, '_', ' ') || ')', 0, p.amount_cents
    FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE p.patient_id = $1
  UNION ALL
  SELECT r.refunded_at, 'refund', p.receipt_number, r.invoice_id, i.number, 'Refund: ' || r.reason, r.amount_cents, 0
    FROM payment_refunds r JOIN payments p ON p.id = r.payment_id JOIN invoices i ON i.id = r.invoice_id
   WHERE r.patient_id = $1`;

export async function findStatementEntries(
  db: Queryable,
  patientId: string,
  fromInstant: string | null,
  toInstant: string,
): Promise<{ opening: number; entries: StatementEntry[] }> {
  const opening = await db.query<{ opening: number }>(
    `SELECT coalesce(sum(debit - credit), 0) AS opening FROM (${ENTRIES}) e
      WHERE $2::timestamptz IS NOT NULL AND e.at < $2`,
    [patientId, fromInstant],
  );
  const entries = await db.query<Record<string, unknown>>(
    `SELECT * FROM (${ENTRIES}) e WHERE ($2::timestamptz IS NULL OR e.at >= $2) AND e.at < $3
      ORDER BY e.at, CASE e.kind WHEN 'invoice' THEN 0 WHEN 'payment' THEN 1 WHEN 'refund' THEN 2 ELSE 3 END`,
    [patientId, fromInstant, toInstant],
  );
  return {
    opening: Number(opening.rows[0]!.opening),
    entries: entries.rows.map((row) => ({
      at: new Date(row['at'] as string).toISOString(),
      kind: row['kind'] as StatementLineKind,
      reference: row['reference'] as string,
      invoiceId: row['invoice_id'] as string,
      invoiceNumber: row['invoice_number'] as string,
      description: row['description'] as string,
      debitCents: Number(row['debit']),
      creditCents: Number(row['credit']),
    })),
  };
}

/** The instant local midnight of `date` begins in `timeZone`. */
export async function startOfLocalDay(db: Queryable, date: string, timeZone: string): Promise<string> {
  const result = await db.query<{ at: Date | string }>(`SELECT ($1::date::timestamp AT TIME ZONE $2) AS at`, [
    date,
    timeZone,
  ]);
  return new Date(result.rows[0]!.at).toISOString();
}
