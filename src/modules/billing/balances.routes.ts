import { contextOf, type Api } from '../../server/types.js';
import { BalanceSchema, PatientParams, StatementQuery, StatementSchema } from './balances.schemas.js';
import type { BalancesService } from './balances.service.js';

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
        summary: 'Statement of account: opening balance, invoices, payments, refunds, voids, running balance',
        params: PatientParams,
        querystring: StatementQuery,
        response: { 200: StatementSchema },
      },
    },
    async (request) => balances.statement(request.params.id, request.query, contextOf(request)),
  );
}
