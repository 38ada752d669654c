import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuedInvoice, pay, refund } from '../../../tests/support/billing-factories.js';
import { registerPatient } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

const METHODS = ['cash', 'card', 'bank_transfer', 'insurance'];

/**
 * Sequences of payments and refunds on one invoice, with amounts drawn so that many must be refused:
 * payments up to a little more than the invoice total, refunds of any earlier payment up to its amount.
 */
const scenario = fc.record({
  unitPriceCents: fc.integer({ min: 1, max: 20_000 }),
  quantity: fc.integer({ min: 1, max: 3 }),
  operations: fc.array(
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('pay' as const),
          amountCents: fc.integer({ min: 1, max: 65_000 }),
          method: fc.constantFrom(...METHODS),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('refund' as const),
          paymentIndex: fc.nat({ max: 9 }),
          amountCents: fc.integer({ min: 1, max: 65_000 }),
        }),
      },
    ),
    { minLength: 1, maxLength: 12 },
  ),
});

describe.each(DATABASE_KINDS)('payments and refunds, property-based, on %s', (kind) => {
  let t: TestApp;
  let finance: string;
  let patientId: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    finance = await t.userToken('finance');
    patientId = (await registerPatient(t, await t.userToken('staff'))).id;
  });
  afterAll(async () => t?.close());

  async function stored(invoiceId: string): Promise<{
    total: number;
    paid: number;
    outstanding: number;
    status: string;
    payments: number;
    refunds: number;
  }> {
    const result = await t.database.db.query<{
      total: number;
      paid: number;
      outstanding: number;
      status: string;
      payments: number;
      refunds: number;
    }>(
      `SELECT i.total_cents AS total, i.paid_cents AS paid, i.outstanding_cents AS outstanding, i.status,
              (SELECT coalesce(sum(amount_cents), 0) FROM payments WHERE invoice_id = i.id) AS payments,
              (SELECT coalesce(sum(amount_cents), 0) FROM payment_refunds WHERE invoice_id = i.id) AS refunds
         FROM invoices i WHERE i.id = $1`,
      [invoiceId],
    );
    return result.rows[0]!;
  }

  it('keeps outstanding = total - payments + refunds, never negative, refusing exactly what the rules refuse', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ unitPriceCents, quantity, operations }) => {
        const invoice = await issuedInvoice(t, finance, patientId, {
          items: [{ description: 'Treatment', quantity, unitPriceCents }],
        });
        const total: number = invoice.totalCents;
        // The model: what each accepted payment still has to refund, and the expected outstanding amount.
        const payments: { id: string; refundable: number }[] = [];
        let outstanding = total;
        for (const operation of operations) {
          if (operation.kind === 'pay') {
            const response = await pay(t, finance, invoice.id, operation.amountCents, operation.method);
            const allowed = operation.amountCents <= outstanding;
            expect(response.statusCode).toBe(allowed ? 201 : 409);
            if (allowed) {
              payments.push({ id: response.json().id, refundable: operation.amountCents });
              outstanding -= operation.amountCents;
              expect(response.json().invoice.outstandingCents).toBe(outstanding);
            }
          } else {
            const target = payments[operation.paymentIndex % Math.max(payments.length, 1)];
            if (!target) continue;
            const response = await refund(t, finance, target.id, operation.amountCents);
            const allowed = operation.amountCents <= target.refundable;
            expect(response.statusCode).toBe(allowed ? 201 : 409);
            if (allowed) {
              target.refundable -= operation.amountCents;
              outstanding += operation.amountCents;
            }
          }
          const now = await stored(invoice.id);
          expect(now.outstanding).toBeGreaterThanOrEqual(0);
          expect(now.outstanding).toBe(now.total - now.payments + now.refunds);
          expect(now.outstanding).toBe(outstanding);
          const expectedStatus =
            outstanding === 0 ? 'paid' : outstanding === total ? 'issued' : 'partially_paid';
          expect(now.status).toBe(expectedStatus);
        }
      }),
      { numRuns: kind === 'embedded' ? 25 : 40, endOnFailure: true },
    );
  });
});
