import type { Transaction } from '../../db/index.js';

export type DocumentKind = 'invoice' | 'receipt' | 'claim';

const PREFIXES: Record<DocumentKind, string> = { invoice: 'INV', receipt: 'RCP', claim: 'CLM' };

/**
 * The next number of `kind` in `year`, without gaps: the counter row is upserted in the caller's
 * transaction and stays locked until it commits, so concurrent callers (on any instance) take numbers
 * one after another, and a transaction that rolls back gives its number back. Never a sequence: those
 * skip numbers on rollback.
 */
export async function nextDocumentNumber(tx: Transaction, kind: DocumentKind, year: number): Promise<string> {
  const result = await tx.query<{ lastNumber: number }>(
    `INSERT INTO document_counters (kind, year, last_number) VALUES ($1, $2, 1)
     ON CONFLICT (kind, year) DO UPDATE SET last_number = document_counters.last_number + 1
     RETURNING last_number AS "lastNumber"`,
    [kind, year],
  );
  return formatDocumentNumber(kind, year, result.rows[0]!.lastNumber);
}

/** INV-2026-000001: six digits, more when a year needs them (the order of strings then breaks, not the numbers). */
export function formatDocumentNumber(kind: DocumentKind, year: number, sequenceNumber: number): string {
  return `${PREFIXES[kind]}-${year}-${String(sequenceNumber).padStart(6, '0')}`;
}

/** The year of a 'YYYY-MM-DD' date. */
export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}
