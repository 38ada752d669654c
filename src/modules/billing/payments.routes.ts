import { answerIdempotent, PostHeaders } from '../../server/idempotency.js';
import { authOf, contextOf, type Api } from '../../server/types.js';
import { sendDownload } from './billing-http.js';
import {
  CreatePaymentBody,
  PaymentIdParams,
  PaymentList,
  PaymentListQuery,
  PaymentSchema,
  ReceiptQuery,
  ReceiptSchema,
  RefundBody,
  RefundResult,
} from './payments.schemas.js';
import type { PaymentsService } from './payments.service.js';
import { renderReceiptPdf } from './receipt-pdf.js';
import type { ReceiptsService } from './receipts.service.js';

export function registerPaymentRoutes(api: Api, payments: PaymentsService, receipts: ReceiptsService): void {
  api.get(
    '/api/v1/payments',
    {
      config: { permission: 'billing:read' },
      schema: {
        tags: ['billing'],
        summary: 'Payments by invoice, patient or method; newest first',
        querystring: PaymentListQuery,
        response: { 200: PaymentList },
      },
    },
    async (request) => payments.list(request.query, contextOf(request)),
  );

  api.post(
    '/api/v1/payments',
    {
      config: { permission: 'billing:write' },
      schema: {
        tags: ['billing'],
        summary:
          'Take a payment on an issued invoice: 201, or 409 when it is more than is outstanding (also under concurrency). Send an Idempotency-Key.',
        headers: PostHeaders,
        body: CreatePaymentBody,
        response: { 201: PaymentSchema },
      },
    },
    async (request, reply) =>
      answerIdempotent(
        request,
        reply,
        (context, idempotency) => payments.record(request.body, context, idempotency),
        (payment) => `/api/v1/payments/${payment.id}`,
      ),
  );

  api.get(
    '/api/v1/payments/:id',
    {
      config: { permission: 'billing:read' },
      schema: {
        tags: ['billing'],
        summary: 'One payment (audited)',
        params: PaymentIdParams,
        response: { 200: PaymentSchema },
      },
    },
    async (request) => payments.get(request.params.id, contextOf(request)),
  );

  api.post(
    '/api/v1/payments/:id/refund',
    {
      config: { permission: 'billing:write' },
      schema: {
        tags: ['billing'],
        summary: 'Refund part or all of a payment: 201, or 409 when more than was paid and not yet refunded',
        params: PaymentIdParams,
        headers: PostHeaders,
        body: RefundBody,
        response: { 201: RefundResult },
      },
    },
    async (request, reply) =>
      answerIdempotent(request, reply, (context, idempotency) =>
        payments.refund(request.params.id, request.body, context, idempotency),
      ),
  );

  api.get(
    '/api/v1/payments/:id/receipt',
    {
      config: { permission: 'billing:read' },
      schema: {
        tags: ['billing'],
        summary: 'The receipt of a payment, as JSON or (format=pdf) a PDF (audited)',
        params: PaymentIdParams,
        querystring: ReceiptQuery,
        produces: ['application/json', 'application/pdf'],
        response: { 200: ReceiptSchema },
      },
    },
    async (request, reply) => {
      const format = request.query.format ?? 'json';
      const receipt = await receipts.receipt(request.params.id, format, contextOf(request));
      if (format === 'json') return receipt;
      return sendDownload(
        reply,
        'application/pdf',
        `receipt-${receipt.receiptNumber}.pdf`,
        renderReceiptPdf(receipt, receipts.timeZone, authOf(request).actor.username),
      );
    },
  );
}
