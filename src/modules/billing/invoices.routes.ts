import { Type } from 'typebox';
import { contextOf, type Api } from '../../server/types.js';
import { etagOf, versionFromIfMatch } from '../../shared/etag.js';
import { idempotencyOf } from '../../server/idempotency.js';
import { optionalVersion, PostHeaders, sendStored } from './billing-http.js';
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

const IfMatchHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 100 })) });

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
    async (request, reply) => {
      const context = contextOf(request);
      const result = await invoices.create(request.body, context, idempotencyOf(request, context));
      return sendStored(reply, result, `/api/v1/invoices/${result.body.id}`);
    },
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
    async (request, reply) => {
      const context = contextOf(request);
      const result = await invoices.issue(
        request.params.id,
        optionalVersion(request.headers['if-match']),
        context,
        idempotencyOf(request, context),
      );
      return sendStored(reply, result);
    },
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
    async (request, reply) => {
      const context = contextOf(request);
      const result = await invoices.void(
        request.params.id,
        request.body.reason,
        optionalVersion(request.headers['if-match']),
        context,
        idempotencyOf(request, context),
      );
      return sendStored(reply, result);
    },
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
    async (request, reply) => {
      const context = contextOf(request);
      const result = await invoices.reissue(request.params.id, context, idempotencyOf(request, context));
      return sendStored(reply, result, `/api/v1/invoices/${result.body.id}`);
    },
  );
}
