import type { Queryable } from '../../db/index.js';
import type { FieldCipher } from '../security/index.js';
import type { ClaimStatus } from './claims.schemas.js';

export interface ClaimSummaryRecord {
  readonly id: string;
  readonly claimNumber: string;
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly patientId: string;
  readonly coverageId: string;
  readonly payer: string;
  readonly policyNumber: string;
  readonly status: ClaimStatus;
  readonly claimedCents: number;
  readonly approvedCents: number | null;
  readonly paidCents: number;
  readonly rejectionReason: string | null;
  readonly appealNote: string | null;
  readonly appealCount: number;
  readonly submittedAt: string;
  readonly decidedAt: string | null;
  readonly paidAt: string | null;
  readonly version: number;
}

export interface ClaimEventRecord {
  readonly fromStatus: ClaimStatus | null;
  readonly toStatus: ClaimStatus;
  readonly amountCents: number | null;
  readonly note: string | null;
  readonly changedBy: string | null;
  readonly changedAt: string;
}

const iso = (value: unknown): string => new Date(value as string | Date).toISOString();
const isoOrNull = (value: unknown): string | null => (value === null ? null : iso(value));
const numberOrNull = (value: unknown): number | null => (value === null ? null : Number(value));

const COLUMNS = `c.id, c.claim_number, c.invoice_id, i.number AS invoice_number, c.patient_id, c.coverage_id, c.payer,
  c.policy_number_encrypted, c.policy_number_plaintext, c.status, c.claimed_cents, c.approved_cents, c.paid_cents, c.rejection_reason, c.appeal_note,
  c.appeal_count, c.submitted_at, c.decided_at, c.paid_at, c.version`;

const POLICY_NUMBER = 'claims.policy_number';

/** The claim's policy number, decrypted (or from its plaintext column when older than migration 0017). */
export function claimPolicyNumber(row: Record<string, unknown>, cipher: FieldCipher): string {
  const encrypted = row['policy_number_encrypted'] as string | null;
  return encrypted ? cipher.decrypt(POLICY_NUMBER, encrypted) : (row['policy_number_plaintext'] as string);
}

function toClaim(row: Record<string, unknown>, cipher: FieldCipher): ClaimSummaryRecord {
  return {
    id: row['id'] as string,
    claimNumber: row['claim_number'] as string,
    invoiceId: row['invoice_id'] as string,
    invoiceNumber: row['invoice_number'] as string,
    patientId: row['patient_id'] as string,
    coverageId: row['coverage_id'] as string,
    payer: row['payer'] as string,
    policyNumber: claimPolicyNumber(row, cipher),
    status: row['status'] as ClaimStatus,
    claimedCents: Number(row['claimed_cents']),
    approvedCents: numberOrNull(row['approved_cents']),
    paidCents: Number(row['paid_cents']),
    rejectionReason: row['rejection_reason'] as string | null,
    appealNote: row['appeal_note'] as string | null,
    appealCount: row['appeal_count'] as number,
    submittedAt: iso(row['submitted_at']),
    decidedAt: isoOrNull(row['decided_at']),
    paidAt: isoOrNull(row['paid_at']),
    version: row['version'] as number,
  };
}

export interface NewClaim {
  readonly claimNumber: string;
  readonly invoiceId: string;
  readonly patientId: string;
  readonly coverageId: string;
  readonly payer: string;
  readonly policyNumber: string;
  readonly claimedCents: number;
}

export async function insertClaim(
  db: Queryable,
  cipher: FieldCipher,
  claim: NewClaim,
  userId: string,
): Promise<string> {
  const result = await db.query<{ id: string }>(
    `INSERT INTO claims (claim_number, invoice_id, patient_id, coverage_id, payer, policy_number_encrypted, claimed_cents,
       created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
    [
      claim.claimNumber,
      claim.invoiceId,
      claim.patientId,
      claim.coverageId,
      claim.payer,
      cipher.encrypt(POLICY_NUMBER, claim.policyNumber),
      claim.claimedCents,
      userId,
    ],
  );
  return result.rows[0]!.id;
}

export async function findClaim(
  db: Queryable,
  cipher: FieldCipher,
  id: string,
  lock = false,
): Promise<ClaimSummaryRecord | undefined> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM claims c JOIN invoices i ON i.id = c.invoice_id WHERE c.id = $1${lock ? ' FOR UPDATE OF c' : ''}`,
    [id],
  );
  const row = result.rows[0];
  return row ? toClaim(row, cipher) : undefined;
}

/** The claim on an invoice that is still live (not rejected), if any. */
export async function findLiveClaimOfInvoice(db: Queryable, invoiceId: string): Promise<string | undefined> {
  const result = await db.query<{ claimNumber: string }>(
    `SELECT claim_number AS "claimNumber" FROM claims WHERE invoice_id = $1 AND status <> 'rejected'`,
    [invoiceId],
  );
  return result.rows[0]?.claimNumber;
}

export async function findClaimEvents(db: Queryable, claimId: string): Promise<ClaimEventRecord[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT e.from_status, e.to_status, e.amount_cents, e.note, u.username, e.changed_at
       FROM claim_events e LEFT JOIN users u ON u.id = e.changed_by WHERE e.claim_id = $1 ORDER BY e.id`,
    [claimId],
  );
  return result.rows.map((row) => ({
    fromStatus: row['from_status'] as ClaimStatus | null,
    toStatus: row['to_status'] as ClaimStatus,
    amountCents: numberOrNull(row['amount_cents']),
    note: row['note'] as string | null,
    changedBy: row['username'] as string | null,
    changedAt: iso(row['changed_at']),
  }));
}

export async function findClaimPaymentId(db: Queryable, claimId: string): Promise<string | null> {
  const result = await db.query<{ id: string }>(
    'SELECT id FROM payments WHERE claim_id = $1 ORDER BY received_at LIMIT 1',
    [claimId],
  );
  return result.rows[0]?.id ?? null;
}

export async function insertClaimEvent(
  db: Queryable,
  claimId: string,
  fromStatus: ClaimStatus | null,
  toStatus: ClaimStatus,
  amountCents: number | null,
  note: string | null,
  userId: string,
): Promise<void> {
  await db.query(
    `INSERT INTO claim_events (claim_id, from_status, to_status, amount_cents, note, changed_by)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [claimId, fromStatus, toStatus, amountCents, note, userId],
  );
}

/** The columns a status change sets; the rest stay as they are. */
export interface ClaimChange {
  readonly status: ClaimStatus;
  readonly approvedCents?: number | null;
  readonly rejectionReason?: string | null;
  readonly appealNote?: string;
  readonly appealed?: boolean;
  readonly decided?: boolean;
  readonly paidCents?: number;
}

export async function applyClaimChange(
  db: Queryable,
  id: string,
  change: ClaimChange,
  userId: string,
): Promise<void> {
  await db.query(
    `UPDATE claims SET status = $2,
            approved_cents = CASE WHEN $3::boolean THEN $4::bigint ELSE approved_cents END,
            rejection_reason = CASE WHEN $5::boolean THEN $6::text ELSE rejection_reason END,
            appeal_note = coalesce($7::text, appeal_note),
            appeal_count = appeal_count + CASE WHEN $8::boolean THEN 1 ELSE 0 END,
            decided_at = CASE WHEN $9::boolean THEN now() WHEN $8::boolean THEN NULL ELSE decided_at END,
            paid_cents = coalesce($10::bigint, paid_cents),
            paid_at = CASE WHEN $2 = 'paid' THEN now() ELSE paid_at END,
            version = version + 1, updated_at = now(), updated_by = $11
      WHERE id = $1`,
    [
      id,
      change.status,
      change.approvedCents !== undefined,
      change.approvedCents ?? null,
      change.rejectionReason !== undefined,
      change.rejectionReason ?? null,
      change.appealNote ?? null,
      change.appealed ?? false,
      change.decided ?? false,
      change.paidCents ?? null,
      userId,
    ],
  );
}

export interface ClaimSearchCriteria {
  readonly status: ClaimStatus | undefined;
  readonly payer: string | undefined;
  readonly patientId: string | undefined;
  readonly invoiceId: string | undefined;
  readonly limit: number;
  readonly offset: number;
}

export async function searchClaims(
  db: Queryable,
  cipher: FieldCipher,
  criteria: ClaimSearchCriteria,
): Promise<{ items: ClaimSummaryRecord[]; total: number }> {
  const params = [
    criteria.status ?? null,
    criteria.payer ?? null,
    criteria.patientId ?? null,
    criteria.invoiceId ?? null,
  ];
  const where = `($1::text IS NULL OR c.status = $1) AND ($2::text IS NULL OR lower(c.payer) = lower($2))
     AND ($3::uuid IS NULL OR c.patient_id = $3) AND ($4::uuid IS NULL OR c.invoice_id = $4)`;
  const items = await db.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM claims c JOIN invoices i ON i.id = c.invoice_id WHERE ${where}
      ORDER BY c.submitted_at DESC, c.id LIMIT $5 OFFSET $6`,
    [...params, criteria.limit, criteria.offset],
  );
  const count = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM claims c WHERE ${where}`,
    params,
  );
  return { items: items.rows.map((row) => toClaim(row, cipher)), total: count.rows[0]!.total };
}
