import type { Database, Queryable } from '../../db/index.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import type { FinanceFigures, FinanceReport } from './finance-report.model.js';
import {
  ageing,
  payerMix,
  revenueByDepartment,
  revenueByPeriod,
  revenueByService,
  revenueTotals,
  type FinanceScope,
} from './finance-report.queries.js';

export type FinanceFormat = 'json' | 'csv' | 'pdf';

export interface FinanceRequest {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly departmentId?: string | undefined;
  readonly groupBy?: 'day' | 'month' | undefined;
  readonly format: FinanceFormat;
}

/** The roles that read the hospital's money; reports:read alone (doctors, department heads) is not enough. */
const FINANCE_READERS = new Set(['finance', 'admin']);

/** The calendar day of `instant` in `timeZone`, as YYYY-MM-DD (en-CA writes dates that way). */
export function localDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/**
 * The finance report: revenue by period, department and service, insurance against self-pay, and the
 * ageing of what is owed. Figures are read in one read-only snapshot from `source` (the read replica
 * when datasource.replica-url is set); access is decided and recorded on the primary.
 */
export class FinanceReportService {
  constructor(
    private readonly source: Database,
    private readonly primary: Database,
    private readonly audit: AuditTrail,
    private readonly timeZone: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async generate(request: FinanceRequest, context: RequestContext): Promise<FinanceReport> {
    const actor = context.actor;
    if (!actor) throw new Error('reports need a signed-in actor');
    if (!FINANCE_READERS.has(actor.role)) {
      await this.audit.recordAlone(context, {
        action: 'ACCESS_DENIED',
        outcome: 'denied',
        entityType: 'report',
        details: { report: 'finance' },
      });
      throw new ForbiddenError(
        `The finance report is for finance and admin; your role (${actor.role}) may not read it.`,
      );
    }
    const generatedAt = this.now();
    const to = request.to ?? localDate(generatedAt, this.timeZone);
    const from = request.from ?? `${to.slice(0, 7)}-01`;
    if (from > to) {
      throw new ValidationError('The period ends before it starts.', [
        { field: 'from', message: `must be on or before to (${to})` },
      ]);
    }
    const departmentId = request.departmentId ?? null;
    const departmentName =
      departmentId === null ? null : await findDepartmentName(this.primary, departmentId);
    const scope: FinanceScope = {
      from,
      to,
      timeZone: this.timeZone,
      departmentId,
      groupBy: request.groupBy ?? 'month',
    };
    const figures = await this.source.transaction((tx) => computeFigures(tx, scope), {
      isolation: 'repeatable read',
      readOnly: true,
    });
    await this.audit.recordAlone(context, {
      action: 'REPORT_GENERATED',
      entityType: 'report',
      details: { report: 'finance', format: request.format, from, to, departmentId, groupBy: scope.groupBy },
    });
    return {
      report: 'finance',
      title: 'Finance',
      filters: { from, to, timeZone: this.timeZone, groupBy: scope.groupBy, departmentId, departmentName },
      generatedAt: generatedAt.toISOString(),
      generatedBy: actor.username,
      ...figures,
    };
  }
}

async function findDepartmentName(db: Queryable, departmentId: string): Promise<string> {
  const result = await db.query<{ name: string }>('SELECT name FROM departments WHERE id = $1', [
    departmentId,
  ]);
  const row = result.rows[0];
  if (!row) throw new NotFoundError('There is no department with this id.');
  return row.name;
}

async function computeFigures(db: Queryable, scope: FinanceScope): Promise<FinanceFigures> {
  const revenue = await revenueTotals(db, scope);
  const byPeriod = await revenueByPeriod(db, scope);
  const byDepartment = await revenueByDepartment(db, scope);
  const byService = await revenueByService(db, scope);
  const payers = await payerMix(db, scope);
  const buckets = await ageing(db, scope);
  const insurance = payers.find((payer) => payer.payer === 'insurance')!;
  const selfPay = payers.find((payer) => payer.payer === 'self_pay')!;
  return {
    totals: {
      ...revenue,
      paymentsCents: insurance.paymentsCents + selfPay.paymentsCents,
      refundsCents: insurance.refundsCents + selfPay.refundsCents,
      collectedCents: insurance.netCents + selfPay.netCents,
      insuranceCollectedCents: insurance.netCents,
      selfPayCollectedCents: selfPay.netCents,
      outstandingInvoiceCount: buckets.reduce((sum, bucket) => sum + bucket.invoiceCount, 0),
      outstandingCents: buckets.reduce((sum, bucket) => sum + bucket.outstandingCents, 0),
    },
    revenueByPeriod: byPeriod,
    revenueByDepartment: byDepartment,
    revenueByService: byService,
    payerMix: payers,
    ageing: buckets,
  };
}
