import type { Database, Queryable } from '../../db/index.js';
import { ForbiddenError, NotFoundError } from '../../shared/errors.js';
import type { Actor, RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import { resolveAccess, type AccessScope } from './report-access.js';
import type { Column, ReportDefinition, ReportFigures, ReportRow, ReportScope } from './report-model.js';
import { resolvePeriod } from './report-period.js';

export type ReportFormat = 'json' | 'csv' | 'pdf';

export interface ReportRequest {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly departmentId?: string | undefined;
  readonly format: ReportFormat;
}

export interface ReportFilters {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly departmentId: string | null;
  readonly departmentName: string | null;
  readonly doctorId: string | null;
  readonly doctorName: string | null;
}

/** What every report says about itself, in every format. */
export interface ReportHeading {
  readonly report: string;
  readonly title: string;
  readonly filters: ReportFilters;
  readonly generatedAt: Date;
  readonly generatedBy: string;
}

export interface GeneratedReport {
  readonly definition: ReportDefinition;
  readonly heading: ReportHeading;
  readonly figures: ReportFigures;
}

export interface RowExportStream {
  readonly heading: ReportHeading;
  readonly columns: readonly Column[];
  readonly rows: AsyncIterable<ReportRow>;
}

/**
 * Reports: who may read which part (see resolveAccess), the period in the hospital's time zone, the
 * figures read from the replica when one is configured, and an audit record of every report handed out.
 */
export class ReportsService {
  constructor(
    /** Where the figures are read: the read replica, or the primary when there is none. */
    private readonly source: Database,
    private readonly primary: Database,
    private readonly audit: AuditTrail,
    private readonly timeZone: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async generate(
    definition: ReportDefinition,
    request: ReportRequest,
    context: RequestContext,
  ): Promise<GeneratedReport> {
    const { heading, scope } = await this.prepare(definition, request, context);
    const figures = await definition.compute(this.source, scope);
    await this.recordGenerated(definition, heading, request.format, 'summary', context);
    return { definition, heading, figures };
  }

  /** The report's row-level export; the audit record is written before the first row leaves. */
  async exportRows(
    definition: ReportDefinition,
    request: ReportRequest,
    context: RequestContext,
  ): Promise<RowExportStream> {
    const rowExport = definition.rowExport;
    if (!rowExport) throw new NotFoundError(`The ${definition.name} report has no row-level export.`);
    const { heading, scope } = await this.prepare(definition, request, context);
    await this.recordGenerated(definition, heading, request.format, 'rows', context);
    return { heading, columns: rowExport.columns, rows: rowExport.rows(this.source, scope) };
  }

  private async prepare(
    definition: ReportDefinition,
    request: ReportRequest,
    context: RequestContext,
  ): Promise<{ heading: ReportHeading; scope: ReportScope }> {
    const actor = context.actor;
    if (!actor) throw new Error('reports need a signed-in actor');
    const generatedAt = this.now();
    const period = resolvePeriod(request, this.timeZone, generatedAt);
    const access = await this.authorize(definition, actor, request.departmentId, context);
    const scope: ReportScope = { ...period, timeZone: this.timeZone, ...access };
    const names = await findNames(this.primary, scope);
    return {
      scope,
      heading: {
        report: definition.name,
        title: definition.title,
        filters: { ...scope, ...names },
        generatedAt,
        generatedBy: actor.username,
      },
    };
  }

  /** The caller's part of the report; a refusal is audited (ACCESS_DENIED) before it is answered. */
  private async authorize(
    definition: ReportDefinition,
    actor: Actor,
    departmentId: string | undefined,
    context: RequestContext,
  ): Promise<AccessScope> {
    try {
      return await resolveAccess(this.primary, definition, actor, departmentId);
    } catch (error) {
      if (error instanceof ForbiddenError) {
        await this.audit.recordAlone(context, {
          action: 'ACCESS_DENIED',
          outcome: 'denied',
          entityType: 'report',
          details: { report: definition.name, departmentId: departmentId ?? null },
        });
      }
      throw error;
    }
  }

  private async recordGenerated(
    definition: ReportDefinition,
    heading: ReportHeading,
    format: ReportFormat,
    detail: 'summary' | 'rows',
    context: RequestContext,
  ): Promise<void> {
    const { from, to, departmentId, doctorId } = heading.filters;
    await this.audit.recordAlone(context, {
      action: 'REPORT_GENERATED',
      entityType: 'report',
      details: { report: definition.name, format, detail, from, to, departmentId, doctorId },
    });
  }
}

async function findNames(
  db: Queryable,
  scope: ReportScope,
): Promise<{ departmentName: string | null; doctorName: string | null }> {
  const result = await db.query<{ departmentName: string | null; doctorName: string | null }>(
    `SELECT (SELECT name FROM departments WHERE id = $1::uuid) AS "departmentName",
            (SELECT name FROM doctors WHERE id = $2::uuid) AS "doctorName"`,
    [scope.departmentId, scope.doctorId],
  );
  return result.rows[0] ?? { departmentName: null, doctorName: null };
}
