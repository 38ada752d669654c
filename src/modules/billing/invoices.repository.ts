import type { Queryable } from '../../db/index.js';
import type { InvoiceStatus } from './invoices.schemas.js';

export interface InvoiceItemRecord {
  readonly id: string;
  readonly position: number;
  readonly serviceCode: string | null;
  readonly description: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
  readonly lineTotalCents: number;
}

export interface InvoiceSummaryRecord {
  readonly id: string;
  readonly number: string | null;
  readonly patientId: string;
  readonly status: InvoiceStatus;
  readonly departmentId: string | null;
  readonly subtotalCents: number;
  readonly discountCents: number;
  readonly taxCents: number;
  readonly totalCents: number;
  readonly paidCents: number;
  readonly outstandingCents: number;
  readonly issueDate: string | null;
  readonly issuedAt: string | null;
  readonly createdAt: string;
  readonly version: number;
}

/** A row of the invoice list: the summary and whose invoice it is, as finance reads the list. */
export interface InvoiceListRecord extends InvoiceSummaryRecord {
  readonly patientName: string;
  readonly patientMrn: string;
}

export interface InvoiceHeaderRecord extends InvoiceSummaryRecord {
  readonly appointmentId: string | null;
  readonly admissionId: string | null;
  readonly discountBasisPoints: number | null;
  readonly taxRateBasisPoints: number;
  readonly notes: string | null;
  readonly voidedAt: string | null;
  readonly voidReason: string | null;
  readonly replacesInvoiceId: string | null;
  readonly replacedByInvoiceId: string | null;
  readonly updatedAt: string;
}

export interface InvoiceRecord extends InvoiceHeaderRecord {
  readonly items: InvoiceItemRecord[];
}

const iso = (value: unknown): string => new Date(value as string | Date).toISOString();
const isoOrNull = (value: unknown): string | null => (value === null ? null : iso(value));

const SUMMARY_COLUMNS = `i.id, i.number, i.patient_id, i.status, i.department_id, i.subtotal_cents,
  i.discount_cents, i.tax_cents, i.total_cents, i.paid_cents, i.outstanding_cents, i.issue_date::text,
  i.issued_at, i.created_at, i.version`;

const HEADER_COLUMNS = `${SUMMARY_COLUMNS}, i.appointment_id, i.admission_id, i.discount_basis_points,
  i.tax_rate_basis_points, i.notes, i.voided_at, i.void_reason, i.replaces_invoice_id, i.updated_at,
  (SELECT r.id FROM invoices r WHERE r.replaces_invoice_id = i.id) AS replaced_by_invoice_id`;

function toSummary(row: Record<string, unknown>): InvoiceSummaryRecord {
  return {
    id: row['id'] as string,
    number: row['number'] as string | null,
    patientId: row['patient_id'] as string,
    status: row['status'] as InvoiceStatus,
    departmentId: row['department_id'] as string | null,
    subtotalCents: Number(row['subtotal_cents']),
    discountCents: Number(row['discount_cents']),
    taxCents: Number(row['tax_cents']),
    totalCents: Number(row['total_cents']),
    paidCents: Number(row['paid_cents']),
    outstandingCents: Number(row['outstanding_cents']),
    issueDate: row['issue_date'] as string | null,
    issuedAt: isoOrNull(row['issued_at']),
    createdAt: iso(row['created_at']),
    version: row['version'] as number,
  };
}

function toHeader(row: Record<string, unknown>): InvoiceHeaderRecord {
  return {
    ...toSummary(row),
    appointmentId: row['appointment_id'] as string | null,
    admissionId: row['admission_id'] as string | null,
    discountBasisPoints: row['discount_basis_points'] as number | null,
    taxRateBasisPoints: row['tax_rate_basis_points'] as number,
    notes: row['notes'] as string | null,
    voidedAt: isoOrNull(row['voided_at']),
    voidReason: row['void_reason'] as string | null,
    replacesInvoiceId: row['replaces_invoice_id'] as string | null,
    replacedByInvoiceId: row['replaced_by_invoice_id'] as string | null,
    updatedAt: iso(row['updated_at']),
  };
}

/** The money and links of a draft, as the service has worked them out. */
export interface DraftFields {
  readonly departmentId: string | null;
  readonly appointmentId: string | null;
  readonly admissionId: string | null;
  readonly subtotalCents: number;
  readonly discountBasisPoints: number | null;
  readonly discountCents: number;
  readonly taxRateBasisPoints: number;
  readonly taxCents: number;
  readonly totalCents: number;
  readonly notes: string | null;
}

export interface DraftItem {
  readonly serviceCode: string | null;
  readonly description: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
  readonly lineTotalCents: number;
}

export async function insertDraftInvoice(
  db: Queryable,
  patientId: string,
  fields: DraftFields,
  userId: string,
  replacesInvoiceId: string | null = null,
): Promise<string> {
  const result = await db.query<{ id: string }>(
    `INSERT INTO invoices (patient_id, department_id, appointment_id, admission_id, subtotal_cents,
       discount_basis_points, discount_cents, tax_rate_basis_points, tax_cents, total_cents, notes,
       replaces_invoice_id, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
     RETURNING id`,
    [
      patientId,
      fields.departmentId,
      fields.appointmentId,
      fields.admissionId,
      fields.subtotalCents,
      fields.discountBasisPoints,
      fields.discountCents,
      fields.taxRateBasisPoints,
      fields.taxCents,
      fields.totalCents,
      fields.notes,
      replacesInvoiceId,
      userId,
    ],
  );
  return result.rows[0]!.id;
}

export async function replaceDraftItems(
  db: Queryable,
  invoiceId: string,
  items: readonly DraftItem[],
): Promise<void> {
  await db.query('DELETE FROM invoice_items WHERE invoice_id = $1', [invoiceId]);
  await db.query(
    `INSERT INTO invoice_items (invoice_id, position, service_code, description, quantity, unit_price_cents,
       line_total_cents)
     SELECT $1, item.position, item.service_code, item.description, item.quantity, item.unit_price_cents,
            item.line_total_cents
       FROM jsonb_to_recordset($2::jsonb) AS item(position integer, service_code text, description text,
            quantity integer, unit_price_cents bigint, line_total_cents bigint)`,
    [
      invoiceId,
      JSON.stringify(
        items.map((item, index) => ({
          position: index + 1,
          service_code: item.serviceCode,
          description: item.description,
          quantity: item.quantity,
          unit_price_cents: item.unitPriceCents,
          line_total_cents: item.lineTotalCents,
        })),
      ),
    ],
  );
}

export async function updateDraftInvoice(
  db: Queryable,
  id: string,
  fields: DraftFields,
  userId: string,
): Promise<void> {
  await db.query(
    `UPDATE invoices SET department_id = $2, subtotal_cents = $3, discount_basis_points = $4,
            discount_cents = $5, tax_rate_basis_points = $6, tax_cents = $7, total_cents = $8, notes = $9,
            version = version + 1, updated_at = now(), updated_by = $10
      WHERE id = $1 AND status = 'draft'`,
    [
      id,
      fields.departmentId,
      fields.subtotalCents,
      fields.discountBasisPoints,
      fields.discountCents,
      fields.taxRateBasisPoints,
      fields.taxCents,
      fields.totalCents,
      fields.notes,
      userId,
    ],
  );
}

/** The invoice row; `lock` takes it FOR UPDATE so that payments, issuing and voiding queue behind each other. */
export async function findInvoiceHeader(
  db: Queryable,
  id: string,
  lock = false,
): Promise<InvoiceHeaderRecord | undefined> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT ${HEADER_COLUMNS} FROM invoices i WHERE i.id = $1${lock ? ' FOR UPDATE OF i' : ''}`,
    [id],
  );
  const row = result.rows[0];
  return row ? toHeader(row) : undefined;
}

export async function findInvoiceItems(db: Queryable, invoiceId: string): Promise<InvoiceItemRecord[]> {
  const result = await db.query<InvoiceItemRecord>(
    `SELECT id, position, service_code AS "serviceCode", description, quantity,
            unit_price_cents AS "unitPriceCents", line_total_cents AS "lineTotalCents"
       FROM invoice_items WHERE invoice_id = $1 ORDER BY position`,
    [invoiceId],
  );
  return result.rows.map((row) => ({
    ...row,
    unitPriceCents: Number(row.unitPriceCents),
    lineTotalCents: Number(row.lineTotalCents),
  }));
}

export async function markInvoiceIssued(
  db: Queryable,
  id: string,
  number: string,
  issueDate: string,
  userId: string,
): Promise<void> {
  await db.query(
    `UPDATE invoices SET status = 'issued', number = $2, issue_date = $3, issued_at = now(), issued_by = $4,
            version = version + 1, updated_at = now(), updated_by = $4
      WHERE id = $1 AND status = 'draft'`,
    [id, number, issueDate, userId],
  );
}

export async function markInvoiceVoid(
  db: Queryable,
  id: string,
  reason: string,
  userId: string,
): Promise<void> {
  await db.query(
    `UPDATE invoices SET status = 'void', void_reason = $2, voided_at = now(), voided_by = $3,
            version = version + 1, updated_at = now(), updated_by = $3
      WHERE id = $1 AND status <> 'void'`,
    [id, reason, userId],
  );
}

export interface InvoiceSearchCriteria {
  readonly patientId: string | undefined;
  readonly status: InvoiceStatus | undefined;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly limit: number;
  readonly offset: number;
}

export async function searchInvoices(
  db: Queryable,
  criteria: InvoiceSearchCriteria,
): Promise<{ items: InvoiceListRecord[]; total: number }> {
  const params = [
    criteria.patientId ?? null,
    criteria.status ?? null,
    criteria.from ?? null,
    criteria.to ?? null,
  ];
  const where = `($1::uuid IS NULL OR i.patient_id = $1) AND ($2::text IS NULL OR i.status = $2)
     AND ($3::date IS NULL OR i.issue_date >= $3) AND ($4::date IS NULL OR i.issue_date <= $4)`;
  const items = await db.query<Record<string, unknown>>(
    `SELECT ${SUMMARY_COLUMNS}, p.name AS patient_name, p.mrn AS patient_mrn
       FROM invoices i JOIN patients p ON p.id = i.patient_id WHERE ${where}
      ORDER BY i.created_at DESC, i.id LIMIT $5 OFFSET $6`,
    [...params, criteria.limit, criteria.offset],
  );
  const count = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM invoices i WHERE ${where}`,
    params,
  );
  return {
    items: items.rows.map((row) => ({
      ...toSummary(row),
      patientName: row['patient_name'] as string,
      patientMrn: row['patient_mrn'] as string,
    })),
    total: count.rows[0]!.total,
  };
}
