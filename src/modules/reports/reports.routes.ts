import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { contextOf, isFileExport, type Api } from '../../server/types.js';
import { ValidationError } from '../../shared/errors.js';
import { REPORTS } from './report-definitions.js';
import { figuresCsv, rowsCsv } from './report-csv.js';
import type { ReportDefinition } from './report-model.js';
import { renderReportPdf } from './report-pdf.js';
import { ReportQuery, reportResponse } from './reports.schemas.js';
import type { GeneratedReport, ReportHeading, ReportsService } from './reports.service.js';

function fileName(heading: ReportHeading, suffix: string, extension: string): string {
  return `${heading.report}-${heading.filters.from}-to-${heading.filters.to}${suffix}.${extension}`;
}

function sendCsv(reply: FastifyReply, heading: ReportHeading, csv: Readable, suffix = ''): FastifyReply {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName(heading, suffix, 'csv')}"`)
    .send(csv);
}

function sendPdf(reply: FastifyReply, report: GeneratedReport): FastifyReply {
  return reply
    .type('application/pdf')
    .header('content-disposition', `attachment; filename="${fileName(report.heading, '', 'pdf')}"`)
    .send(renderReportPdf(report));
}

function present(report: GeneratedReport): Record<string, unknown> {
  const { heading, figures } = report;
  return { ...heading, generatedAt: heading.generatedAt.toISOString(), ...figures };
}

/** detail=rows is a streamed CSV of the reports that have one; refused before anything is read. */
function checkDetail(definition: ReportDefinition, query: ReportQuery): void {
  if (query.detail !== 'rows') return;
  if (!definition.rowExport) {
    throw new ValidationError(`The ${definition.name} report has no row-level export.`, [
      { field: 'detail', message: 'rows is available for the patients report only' },
    ]);
  }
  if ((query.format ?? 'json') !== 'csv') {
    throw new ValidationError('The row-level export is CSV only.', [
      { field: 'format', message: 'must be csv with detail=rows' },
    ]);
  }
}

/**
 * GET /api/v1/reports/{report} for each report of this module, each its own route (so another module
 * can add /api/v1/reports/finance beside them). format=json|csv|pdf; which department, or whose
 * figures, the caller may read is the service's decision.
 */
export function registerReportRoutes(api: Api, reports: ReportsService): void {
  for (const { definition, figures } of REPORTS) {
    api.get(
      `/api/v1/reports/${definition.name}`,
      {
        config: { permission: 'reports:read', freshMfa: isFileExport },
        schema: {
          tags: ['reports'],
          summary: `${definition.title} report as JSON, CSV or PDF (audited)`,
          querystring: ReportQuery,
          produces: ['application/json', 'text/csv', 'application/pdf'],
          response: { 200: reportResponse(figures) },
        },
      },
      async (request, reply) => {
        const query = request.query;
        checkDetail(definition, query);
        const format = query.format ?? 'json';
        const input = { from: query.from, to: query.to, departmentId: query.departmentId, format };
        const context = contextOf(request);
        if (query.detail === 'rows') {
          const exported = await reports.exportRows(definition, input, context);
          return sendCsv(reply, exported.heading, rowsCsv(exported.columns, exported.rows), '-rows');
        }
        const report = await reports.generate(definition, input, context);
        switch (format) {
          case 'json':
            return reply.send(present(report));
          case 'csv':
            return sendCsv(reply, report.heading, figuresCsv(definition, report.figures));
          case 'pdf':
            return sendPdf(reply, report);
        }
      },
    );
  }
}
