import type { Queryable } from '../../db/index.js';
import type { InvoiceStatus } from './invoices.schemas.js';
import type { PaymentMethod } from './payments.schemas.js';

export interface InvoiceBalanceRecord {
  readonly id: string;
  readonly number: string | null;
  readonly status: InvoiceStatus;
  readonly totalCents: number;
  readonly paidCents: number;
  readonly outstandingCents: number;
}

export interface PaymentRecord {
  readonly id: string;
  readonly receiptNumber: string;
  readonly invoiceId: string;
  readonly patientId: string;
  readonly amountCents: number;
  readonly method: PaymentMethod;
  readonly reference: string | null;
  readonly claimId: string | null;
  readonly refundedCents: number;
  readonly refundableCents: number;
  readonly receivedAt: string;
  readonly receivedBy: string | null;
  readonly invoice: InvoiceBalanceRecord;
}

export interface RefundRecord {
  readonly id: string;
  readonly paymentId: string;
  readonly invoiceId: string;
  readonly patientId: string;
  readonly amountCents: number;
  readonly reason: string;
  readonly refundedAt: string;
  readonly refundedBy: string | null;
}

const iso = (value: unknown): string => new Date(value as string | Date).toISOString();

const PAYMENT_COLUMNS = `p.id, p.receipt_number, p.invoice_id, p.patient_id, p.amount_cents, p.method, p.reference,
  p.claim_id, p.refunded_cents, p.received_at, u.username AS received_by, i.number AS invoice_number,
  i.status AS invoice_status, i.total_cents, i.paid_cents, i.outstanding_cents`;

const PAYMENT_FROM = `payments p JOIN invoices i ON i.id = p.invoice_id LEFT JOIN users u ON u.id = p.received_by`;

function toPayment(row: Record<string, unknown>): PaymentRecord {
  const amountCents = Number(row['amount_cents']);
  const refundedCents = Number(row['refunded_cents']);
  return {
    id: row['id'] as string,
    receiptNumber: row['receipt_number'] as string,
    invoiceId: row['invoice_id'] as string,
    patientId: row['patient_id'] as string,
    amountCents,
    method: row['method'] as PaymentMethod,
    reference: row['reference'] as string | null,
    claimId: row['claim_id'] as string | null,
    refundedCents,
    refundableCents: amountCents - refundedCents,
    receivedAt: iso(row['received_at']),
    receivedBy: row['received_by'] as string | null,
    invoice: {
      id: row['invoice_id'] as string,
      number: row['invoice_number'] as string | null,
      status: row['invoice_status'] as InvoiceStatus,
      totalCents: Number(row['total_cents']),
      paidCents: Number(row['paid_cents']),
      outstandingCents: Number(row['outstanding_cents']),
    },
  };
}

function toRefund(row: Record<string, unknown>): RefundRecord {
  return {
    id: row['id'] as string,
    paymentId: row['payment_id'] as string,
    invoiceId: row['invoice_id'] as string,
    patientId: row['patient_id'] as string,
    amountCents: Number(row['amount_cents']),
    reason: row['reason'] as string,
    refundedAt: iso(row['refunded_at']),
    refundedBy: row['refunded_by'] as string | null,
  };
}

export interface NewPayment {
  readonly receiptNumber: string;
  readonly invoiceId: string;
  readonly patientId: string;
  readonly amountCents: number;
  readonly method: PaymentMethod;
  readonly reference: string | null;
  readonly claimId: string | null;
}

/** The insert's trigger adds the amount to the invoice; the invoice's CHECK refuses an overpayment. */
export async function insertPayment(db: Queryable, payment: NewPayment, userId: string): Promise<string> {
  const result = await db.query<{ id: string }>(
    `INSERT INTO payments (receipt_number, invoice_id, patient_id, amount_cents, method, reference, claim_id,
       received_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      payment.receiptNumber,
      payment.invoiceId,
      payment.patientId,
      payment.amountCents,
      payment.method,
      payment.reference,
      payment.claimId,
      userId,
    ],
  );
  return result.rows[0]!.id;
}

export async function findPayment(db: Queryable, id: string): Promise<PaymentRecord | undefined> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT ${PAYMENT_COLUMNS} FROM ${PAYMENT_FROM} WHERE p.id = $1`,
    [id],
  );
  const row = result.rows[0];
  return row ? toPayment(row) : undefined;
}

/** Which invoice a payment is on, to lock the invoice (always before the payment: one lock order). */
export async function findPaymentInvoiceId(db: Queryable, id: string): Promise<string | undefined> {
  const result = await db.query<{ invoiceId: string }>(
    'SELECT invoice_id AS "invoiceId" FROM payments WHERE id = $1',
    [id],
  );
  return result.rows[0]?.invoiceId;
}

export async function lockPayment(db: Queryable, id: string): Promise<void> {
  await db.query('SELECT 1 FROM payments WHERE id = $1 FOR UPDATE', [id]);
}

/** The insert's trigger raises the payment's refunded amount and lowers the invoice's paid amount. */
export async function insertRefund(
  db: Queryable,
  payment: Pick<PaymentRecord, 'id' | 'invoiceId' | 'patientId'>,
  amountCents: number,
  reason: string,
  userId: string,
): Promise<string> {
  const result = await db.query<{ id: string }>(
    `INSERT INTO payment_refunds (payment_id, invoice_id, patient_id, amount_cents, reason, refunded_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [payment.id, payment.invoiceId, payment.patientId, amountCents, reason, userId],
  );
  return result.rows[0]!.id;
}

export async function findRefund(db: Queryable, id: string): Promise<RefundRecord | undefined> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT r.id, r.payment_id, r.invoice_id, r.patient_id, r.amount_cents, r.reason, r.refunded_at,
            u.username AS refunded_by
       FROM payment_refunds r LEFT JOIN users u ON u.id = r.refunded_by WHERE r.id = $1`,
    [id],
  );
  const row = result.rows[0];
  return row ? toRefund(row) : undefined;
}

export async function findRefundsOfPayment(db: Queryable, paymentId: string): Promise<RefundRecord[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT r.id, r.payment_id, r.invoice_id, r.patient_id, r.amount_cents, r.reason, r.refunded_at,
            u.username AS refunded_by
       FROM payment_refunds r LEFT JOIN users u ON u.id = r.refunded_by
      WHERE r.payment_id = $1 ORDER BY r.refunded_at, r.id`,
    [paymentId],
  );
  return result.rows.map(toRefund);
}

export interface PaymentSearchCriteria {
  readonly invoiceId: string | undefined;
  readonly patientId: string | undefined;
  readonly method: PaymentMethod | undefined;
  readonly limit: number;
  readonly offset: number;
}

export async function searchPayments(
  db: Queryable,
  criteria: PaymentSearchCriteria,
): Promise<{ items: PaymentRecord[]; total: number }> {
  const params = [criteria.invoiceId ?? null, criteria.patientId ?? null, criteria.method ?? null];
  const where = `($1::uuid IS NULL OR p.invoice_id = $1) AND ($2::uuid IS NULL OR p.patient_id = $2)
     AND ($3::text IS NULL OR p.method = $3)`;
  const items = await db.query<Record<string, unknown>>(
    `SELECT ${PAYMENT_COLUMNS} FROM ${PAYMENT_FROM} WHERE ${where}
      ORDER BY p.received_at DESC, p.id LIMIT $4 OFFSET $5`,
    [...params, criteria.limit, criteria.offset],
  );
  const count = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM payments p WHERE ${where}`,
    params,
  );
  return { items: items.rows.map(toPayment), total: count.rows[0]!.total };
}

export async function findPatientIdentity(
  db: Queryable,
  patientId: string,
): Promise<{ id: string; mrn: string; name: string } | undefined> {
  const result = await db.query<{ id: string; mrn: string; name: string }>(
    'SELECT id, mrn, name FROM patients WHERE id = $1',
    [patientId],
  );
  return result.rows[0];
}
