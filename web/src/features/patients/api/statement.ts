import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { api, apiDownload, type DownloadedFile } from '@/lib/api-client';
import { patientKeys } from './patients';

/** A statement's days (YYYY-MM-DD, in the hospital's time zone), both included. */
export interface StatementPeriod {
  readonly from: string;
  readonly to: string;
}

export interface StatementLine {
  readonly at: string;
  readonly kind: 'invoice' | 'payment' | 'refund' | 'void';
  /** The invoice number, or the receipt number of a payment and its refunds. */
  readonly reference: string;
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly description: string;
  readonly debitCents: number;
  readonly creditCents: number;
  /** Running balance after this line. */
  readonly balanceCents: number;
}

/** GET /api/v1/patients/{id}/statement. */
export interface Statement {
  readonly patient: { readonly id: string; readonly mrn: string; readonly name: string };
  readonly from: string | null;
  readonly to: string;
  readonly timeZone: string;
  readonly openingBalanceCents: number;
  readonly lines: readonly StatementLine[];
  readonly totalDebitsCents: number;
  readonly totalCreditsCents: number;
  readonly closingBalanceCents: number;
}

const statementPath = (patientId: string): string =>
  `/api/v1/patients/${encodeURIComponent(patientId)}/statement`;

/** The statement of a valid period; reading it is audited, so nothing is asked while `enabled` is false. */
export function useStatement(
  patientId: string,
  period: StatementPeriod,
  enabled: boolean,
): UseQueryResult<Statement> {
  return useQuery({
    queryKey: patientKeys.related(patientId, 'statement', period),
    queryFn: ({ signal }) =>
      api.get<Statement>(statementPath(patientId), { from: period.from, to: period.to }, signal),
    enabled,
  });
}

/** The same statement as the server's PDF, to hand to the patient. */
export async function downloadStatementPdf(
  patientId: string,
  period: StatementPeriod,
): Promise<DownloadedFile> {
  return apiDownload(
    statementPath(patientId),
    { from: period.from, to: period.to, format: 'pdf' },
    { fallbackName: 'statement.pdf' },
  );
}
