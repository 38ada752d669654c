import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Database, Queryable } from '../../db/index.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import type { FieldCipher } from '../security/index.js';
import { claimPolicyNumber } from './claims.repository.js';
import type { ClaimExportCriteria, ClaimStatus } from './claims.schemas.js';

/** The columns of a payer's claim batch, in order; amounts in integer cents. */
export const CLAIM_EXPORT_COLUMNS = [
  'claimNumber',
  'submittedAt',
  'payer',
  'policyNumber',
  'patientMrn',
  'patientName',
  'patientDateOfBirth',
  'invoiceNumber',
  'invoiceDate',
  'invoiceTotalCents',
  'claimedCents',
  'approvedCents',
  'status',
  'serviceCodes',
] as const;

type ExportRow = Record<(typeof CLAIM_EXPORT_COLUMNS)[number], string | number | null>;

const PAGE_SIZE = 500;

interface Cursor {
  readonly submittedAt: string;
  readonly id: string;
}

async function exportPage(
  db: Queryable,
  cipher: FieldCipher,
  payer: string,
  status: ClaimStatus,
  after: Cursor | undefined,
): Promise<{ rows: ExportRow[]; last: Cursor | undefined }> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT c.id, c.submitted_at::text AS cursor_at, c.claim_number, c.submitted_at, c.payer, c.policy_number_encrypted,
            c.policy_number_plaintext,
            p.mrn, p.name, p.date_of_birth::text AS date_of_birth, i.number, i.issue_date::text AS issue_date,
            i.total_cents, c.claimed_cents, c.approved_cents, c.status,
            (SELECT string_agg(it.service_code, ';' ORDER BY it.position) FROM invoice_items it
              WHERE it.invoice_id = i.id AND it.service_code IS NOT NULL) AS service_codes
       FROM claims c JOIN invoices i ON i.id = c.invoice_id JOIN patients p ON p.id = c.patient_id
      WHERE lower(c.payer) = lower($1) AND c.status = $2
        AND ($3::timestamptz IS NULL OR (c.submitted_at, c.id) > ($3::timestamptz, $4::uuid))
      ORDER BY c.submitted_at, c.id
      LIMIT $5`,
    [payer, status, after?.submittedAt ?? null, after?.id ?? null, PAGE_SIZE],
  );
  const rows = result.rows.map((row) => ({
    claimNumber: row['claim_number'] as string,
    submittedAt: new Date(row['submitted_at'] as string).toISOString(),
    payer: row['payer'] as string,
    policyNumber: claimPolicyNumber(row, cipher),
    patientMrn: row['mrn'] as string,
    patientName: row['name'] as string,
    patientDateOfBirth: row['date_of_birth'] as string,
    invoiceNumber: row['number'] as string,
    invoiceDate: row['issue_date'] as string,
    invoiceTotalCents: Number(row['total_cents']),
    claimedCents: Number(row['claimed_cents']),
    approvedCents: row['approved_cents'] === null ? null : Number(row['approved_cents']),
    status: row['status'] as string,
    serviceCodes: (row['service_codes'] as string | null) ?? '',
  }));
  const lastRow = result.rows[result.rows.length - 1];
  return {
    rows,
    last: lastRow ? { submittedAt: lastRow['cursor_at'] as string, id: lastRow['id'] as string } : undefined,
  };
}

/** Claims page by page in submission order, each page after the last key of the one before. */
async function* exportRows(
  db: Queryable,
  cipher: FieldCipher,
  payer: string,
  status: ClaimStatus,
): AsyncGenerator<ExportRow> {
  let after: Cursor | undefined;
  for (;;) {
    const page = await exportPage(db, cipher, payer, status, after);
    yield* page.rows;
    if (page.rows.length < PAGE_SIZE) return;
    after = page.last;
  }
}

/**
 * A payer's batch of claims as CSV, streamed: pages of 500 are read only as the client takes the rows,
 * so a large batch never sits in memory. The export is audited before its first row leaves.
 */
export class ClaimExportService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly cipher: FieldCipher,
  ) {}

  async export(criteria: ClaimExportCriteria, context: RequestContext): Promise<Readable> {
    const payer = criteria.payer.trim();
    const status = criteria.status ?? 'submitted';
    const counted = await this.db.query<{ total: number }>(
      'SELECT count(*)::int AS total FROM claims WHERE lower(payer) = lower($1) AND status = $2',
      [payer, status],
    );
    await this.audit.recordAlone(context, {
      action: 'CLAIMS_EXPORTED',
      entityType: 'claim',
      details: { payer, status, claimCount: counted.rows[0]!.total },
    });
    const source = Readable.from(exportRows(this.db, this.cipher, payer, status), { objectMode: true });
    const stringifier = stringify({
      header: true,
      columns: [...CLAIM_EXPORT_COLUMNS],
      escape_formulas: true,
    });
    return pipeline(source, stringifier, () => undefined);
  }
}
