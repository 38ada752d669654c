import { contextOf, isFileExport, type Api } from '../../server/types.js';
import { sendDownload } from './billing-http.js';
import { financeCsv } from './finance-report.csv.js';
import { renderFinancePdf } from './finance-report.pdf.js';
import { FinanceReportQuery, FinanceReportSchema } from './finance-report.schemas.js';
import type { FinanceReportService } from './finance-report.service.js';

/**
 * GET /api/v1/reports/finance beside the reports module's own reports. Every reports:read holder
 * reaches the service; only finance and admin get figures (the others 403, recorded).
 */
export function registerFinanceReportRoutes(api: Api, reports: FinanceReportService): void {
  api.get(
    '/api/v1/reports/finance',
    {
      config: { permission: 'reports:read', freshMfa: isFileExport },
      schema: {
        tags: ['reports'],
        summary:
          'Finance report (finance and admin): revenue by period, department and service; insurance vs self-pay; ageing of what is owed. JSON, CSV or PDF (audited)',
        querystring: FinanceReportQuery,
        produces: ['application/json', 'text/csv', 'application/pdf'],
        response: { 200: FinanceReportSchema },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const format = query.format ?? 'json';
      const report = await reports.generate(
        {
          from: query.from,
          to: query.to,
          departmentId: query.departmentId,
          groupBy: query.groupBy,
          format,
        },
        contextOf(request),
      );
      const fileName = `finance-${report.filters.from}-to-${report.filters.to}`;
      switch (format) {
        case 'json':
          return reply.send(report);
        case 'csv':
          return sendDownload(reply, 'text/csv; charset=utf-8', `${fileName}.csv`, financeCsv(report));
        case 'pdf':
          return sendDownload(reply, 'application/pdf', `${fileName}.pdf`, renderFinancePdf(report));
      }
    },
  );
}
