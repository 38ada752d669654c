import { authOf, contextOf, type Api } from '../../server/types.js';
import { BalanceSchema, PatientParams, StatementQuery, StatementSchema } from './balances.schemas.js';
import type { BalancesService } from './balances.service.js';
import { sendDownload } from './billing-http.js';
import { renderStatementPdf } from './statement-pdf.js';

export function registerBalanceRoutes(api: Api, balances: BalancesService): void {
  api.get(
    '/api/v1/patients/:id/balance',
    {
      config: { permission: 'billing:read' },
      schema: {
        tags: ['billing'],
        summary:
          "What the patient owes: issued invoices' totals, paid (net of refunds), outstanding (audited)",
        params: PatientParams,
        response: { 200: BalanceSchema },
      },
    },
    async (request) => balances.balance(request.params.id, contextOf(request)),
  );

  api.get(
    '/api/v1/patients/:id/statement',
    {
      config: { permission: 'billing:read' },
      schema: {
        tags: ['billing'],
        summary:
          'Statement of account: opening balance, invoices, payments, refunds, voids, running balance; as JSON or (format=pdf) a PDF to hand over (audited)',
        params: PatientParams,
        querystring: StatementQuery,
        produces: ['application/json', 'application/pdf'],
        response: { 200: StatementSchema },
      },
    },
    async (request, reply) => {
      const statement = await balances.statement(request.params.id, request.query, contextOf(request));
      if ((request.query.format ?? 'json') === 'json') return statement;
      return sendDownload(
        reply,
        'application/pdf',
        `statement-${statement.patient.mrn}-${statement.to}.pdf`,
        renderStatementPdf(statement, authOf(request).actor.username),
      );
    },
  );
}
