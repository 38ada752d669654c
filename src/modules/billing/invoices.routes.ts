import { answerIdempotent, answerTransition, PostHeaders } from '../../server/idempotency.js';
import { contextOf, type Api } from '../../server/types.js';
import { etagOf, IfMatchHeaders, versionFromIfMatch } from '../../shared/etag.js';
import {
  CreateInvoiceBody,
  InvoiceIdParams,
  InvoiceList,
  InvoiceListQuery,
  InvoiceSchema,
  UpdateInvoiceBody,
  VoidInvoiceBody,
} from './invoices.schemas.js';
import type { InvoicesService } from './invoices.service.js';

export function registerInvoiceRoutes(api: Api, invoices: InvoicesService): void {
  api.get(
    '/api/v1/invoices',
    {
      config: { permission: 'billing:read' },
      schema: {
        tags: ['billing'],
        summary: 'Invoices by patient, status and issue date; newest first',
        querystring: InvoiceListQuery,
        response: { 200: InvoiceList },
      },
    },
    async (request) => invoices.list(request.query, contextOf(request)),
  );

  api.post(
    '/api/v1/invoices',
    {
      config: { permission: 'billing:write' },
      schema: {
        tags: ['billing'],
        summary: 'Create a draft invoice (money in integer cents)',
        headers: PostHeaders,
        body: CreateInvoiceBody,
        response: { 201: InvoiceSchema },
      },
    },
    async (request, reply) =>
      answerIdempotent(
        request,
        reply,
        (context, idempotency) => invoices.create(request.body, context, idempotency),
        (invoice) => `/api/v1/invoices/${invoice.id}`,
      ),
  );

  api.get(
    '/api/v1/invoices/:id',
    {
      config: { permission: 'billing:read' },
      schema: {
        tags: ['billing'],
        summary: 'One invoice with its items (audited)',
        params: InvoiceIdParams,
        response: { 200: InvoiceSchema },
      },
    },
    async (request, reply) => {
      const invoice = await invoices.get(request.params.id, contextOf(request));
      return reply.header('etag', etagOf(invoice.version)).send(invoice);
    },
  );

  api.patch(
    '/api/v1/invoices/:id',
    {
      config: { permission: 'billing:write' },
      schema: {
        tags: ['billing'],
        summary: 'Edit a draft (If-Match required); an issued invoice is refused with 409',
        params: InvoiceIdParams,
        headers: IfMatchHeaders,
        body: UpdateInvoiceBody,
        response: { 200: InvoiceSchema },
      },
    },
    async (request, reply) => {
      const version = versionFromIfMatch(request.headers['if-match']);
      const invoice = await invoices.update(request.params.id, version, request.body, contextOf(request));
      return reply.header('etag', etagOf(invoice.version)).send(invoice);
    },
  );

  api.post(
    '/api/v1/invoices/:id/issue',
    {
      config: { permission: 'billing:write' },
      schema: {
        tags: ['billing'],
        summary: 'Issue a draft: it gets the next number of the year (INV-YYYY-NNNNNN, no gaps) and is fixed',
        params: InvoiceIdParams,
        headers: PostHeaders,
        response: { 200: InvoiceSchema },
      },
    },
    async (request, reply) =>
      answerTransition(request, reply, (version, context, idempotency) =>
        invoices.issue(request.params.id, version, context, idempotency),
      ),
  );

  api.post(
    '/api/v1/invoices/:id/void',
    {
      config: { permission: 'billing:write' },
      schema: {
        tags: ['billing'],
        summary: 'Void an invoice with a reason (payments must be refunded first)',
        params: InvoiceIdParams,
        headers: PostHeaders,
        body: VoidInvoiceBody,
        response: { 200: InvoiceSchema },
      },
    },
    async (request, reply) =>
      answerTransition(request, reply, (version, context, idempotency) =>
        invoices.void(request.params.id, request.body.reason, version, context, idempotency),
      ),
  );

  api.post(
    '/api/v1/invoices/:id/reissue',
    {
      config: { permission: 'billing:write' },
      schema: {
        tags: ['billing'],
        summary: 'Copy a void invoice into a new draft (replacesInvoiceId points back) to correct and issue',
        params: InvoiceIdParams,
        headers: PostHeaders,
        response: { 201: InvoiceSchema },
      },
    },
    async (request, reply) =>
      answerIdempotent(
        request,
        reply,
        (context, idempotency) => invoices.reissue(request.params.id, context, idempotency),
        (invoice) => `/api/v1/invoices/${invoice.id}`,
      ),
  );
}
