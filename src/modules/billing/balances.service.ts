import type { Database } from '../../db/index.js';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import {
  findBalance,
  findStatementEntries,
  startOfLocalDay,
  type BalanceRecord,
  type StatementEntry,
} from './balances.repository.js';
import type { StatementCriteria } from './balances.schemas.js';
import { localToday } from './lookups.repository.js';
import { findPatientIdentity } from './payments.repository.js';

export interface StatementLine extends StatementEntry {
  readonly balanceCents: number;
}

export interface Statement {
  readonly patient: { readonly id: string; readonly mrn: string; readonly name: string };
  readonly from: string | null;
  readonly to: string;
  readonly timeZone: string;
  readonly openingBalanceCents: number;
  readonly lines: StatementLine[];
  readonly totalDebitsCents: number;
  readonly totalCreditsCents: number;
  readonly closingBalanceCents: number;
}

/** 'YYYY-MM-DD' plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** What a patient owes now, and the statement of how it came about over a period. */
export class BalancesService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly timeZone: string,
  ) {}

  async balance(patientId: string, context: RequestContext): Promise<BalanceRecord> {
    return this.db.transaction(async (tx) => {
      if (!(await findPatientIdentity(tx, patientId)))
        throw new NotFoundError('There is no patient with this id.');
      const balance = await findBalance(tx, patientId);
      await this.audit.record(tx, context, {
        action: 'BALANCE_VIEWED',
        entityType: 'patient',
        entityId: patientId,
        patientId,
      });
      return balance;
    });
  }

  /**
   * Days are whole days in hospital.timezone, both ends included; without `from`, from the first entry.
   * `format` only names what is audited: STATEMENT_VIEWED for JSON, STATEMENT_EXPORTED for the PDF.
   */
  async statement(
    patientId: string,
    criteria: StatementCriteria,
    context: RequestContext,
  ): Promise<Statement> {
    return this.db.transaction(async (tx) => {
      const patient = await findPatientIdentity(tx, patientId);
      if (!patient) throw new NotFoundError('There is no patient with this id.');
      const to = criteria.to ?? (await localToday(tx, this.timeZone));
      const from = criteria.from ?? null;
      if (from !== null && from > to) {
        throw new ValidationError('The statement ends before it starts.', [
          { field: 'from', message: 'must be on or before to' },
        ]);
      }
      const fromInstant = from === null ? null : await startOfLocalDay(tx, from, this.timeZone);
      const toInstant = await startOfLocalDay(tx, addDays(to, 1), this.timeZone);
      const { opening, entries } = await findStatementEntries(tx, patientId, fromInstant, toInstant);
      let balance = opening;
      let debits = 0;
      let credits = 0;
      const lines = entries.map((entry) => {
        balance += entry.debitCents - entry.creditCents;
        debits += entry.debitCents;
        credits += entry.creditCents;
        return { ...entry, balanceCents: balance };
      });
      const format = criteria.format ?? 'json';
      // A PDF is handed to the patient and leaves the system: an export, recorded as one.
      await this.audit.record(tx, context, {
        action: format === 'pdf' ? 'STATEMENT_EXPORTED' : 'STATEMENT_VIEWED',
        entityType: 'patient',
        entityId: patientId,
        patientId,
        details: { from, to, format },
      });
      return {
        patient,
        from,
        to,
        timeZone: this.timeZone,
        openingBalanceCents: opening,
        lines,
        totalDebitsCents: debits,
        totalCreditsCents: credits,
        closingBalanceCents: balance,
      };
    });
  }
}
