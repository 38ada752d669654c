import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from './test-app.js';

/** Small factories for the billing and claims tests, all through the API. */

export interface TestItem {
  readonly description: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
  readonly serviceCode?: string;
}

export const CONSULTATION: TestItem = {
  serviceCode: 'CONS-GP',
  description: 'General consultation',
  quantity: 1,
  unitPriceCents: 10_000,
};

export async function api(
  t: TestApp,
  token: string,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return t.app.api.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...headers },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

function expectStatus(response: LightMyRequestResponse, status: number, what: string): any {
  if (response.statusCode !== status) {
    throw new Error(`${what} failed: ${response.statusCode} ${response.body}`);
  }
  return response.json();
}

export async function createDraft(
  t: TestApp,
  token: string,
  patientId: string,
  overrides: Record<string, unknown> = {},
): Promise<any> {
  const body = { patientId, items: [CONSULTATION], ...overrides };
  return expectStatus(await api(t, token, 'POST', '/api/v1/invoices', body), 201, 'creating a draft');
}

export async function issue(t: TestApp, token: string, invoiceId: string): Promise<any> {
  return expectStatus(await api(t, token, 'POST', `/api/v1/invoices/${invoiceId}/issue`), 200, 'issuing');
}

/** A draft created and issued; `items` default to one consultation of 100.00. */
export async function issuedInvoice(
  t: TestApp,
  token: string,
  patientId: string,
  overrides: Record<string, unknown> = {},
): Promise<any> {
  const draft = await createDraft(t, token, patientId, overrides);
  return issue(t, token, draft.id);
}

/** POST /api/v1/payments; the response, whatever its status. */
export async function pay(
  t: TestApp,
  token: string,
  invoiceId: string,
  amountCents: number,
  method = 'cash',
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return api(t, token, 'POST', '/api/v1/payments', { invoiceId, amountCents, method }, headers);
}

/** POST /api/v1/payments/{id}/refund; the response, whatever its status. */
export async function refund(
  t: TestApp,
  token: string,
  paymentId: string,
  amountCents: number,
  reason = 'Overcharged',
): Promise<LightMyRequestResponse> {
  return api(t, token, 'POST', `/api/v1/payments/${paymentId}/refund`, { amountCents, reason });
}

export async function getInvoice(t: TestApp, token: string, invoiceId: string): Promise<any> {
  return expectStatus(await api(t, token, 'GET', `/api/v1/invoices/${invoiceId}`), 200, 'reading an invoice');
}

export async function addCoverage(
  t: TestApp,
  token: string,
  patientId: string,
  overrides: Record<string, unknown> = {},
): Promise<any> {
  const body = {
    provider: 'Acme Health',
    policyNumber: `POL-${Math.random().toString(36).slice(2, 10)}`,
    coverageBasisPoints: 8000,
    validFrom: '2000-01-01',
    ...overrides,
  };
  return expectStatus(
    await api(t, token, 'POST', `/api/v1/patients/${patientId}/coverages`, body),
    201,
    'adding a coverage',
  );
}

/** Moves an issued invoice's dates back, for ageing and period tests (the API always issues today). */
export async function backdateInvoice(t: TestApp, invoiceId: string, issueDate: string): Promise<void> {
  // The issue date is fixed once issued (a trigger guards it): change it with the guard briefly off.
  await t.database.db.transaction(async (tx) => {
    await tx.query('ALTER TABLE invoices DISABLE TRIGGER invoices_guard_change');
    await tx.query(
      `UPDATE invoices SET issue_date = $2::date, issued_at = ($2::date + time '12:00') AT TIME ZONE 'UTC',
              created_at = ($2::date + time '11:00') AT TIME ZONE 'UTC'
        WHERE id = $1`,
      [invoiceId, issueDate],
    );
    await tx.query('ALTER TABLE invoices ENABLE TRIGGER invoices_guard_change');
  });
}

/** Moves a payment's time, for period tests. */
export async function backdatePayment(t: TestApp, paymentId: string, receivedAt: string): Promise<void> {
  await t.database.db.transaction(async (tx) => {
    await tx.query('ALTER TABLE payments DISABLE TRIGGER payments_append_only');
    await tx.query('UPDATE payments SET received_at = $2 WHERE id = $1', [paymentId, receivedAt]);
    await tx.query('ALTER TABLE payments ENABLE TRIGGER payments_append_only');
  });
}

/** Moves a refund's time, for period tests. */
export async function backdateRefund(t: TestApp, refundId: string, refundedAt: string): Promise<void> {
  await t.database.db.transaction(async (tx) => {
    await tx.query('ALTER TABLE payment_refunds DISABLE TRIGGER payment_refunds_append_only');
    await tx.query('UPDATE payment_refunds SET refunded_at = $2 WHERE id = $1', [refundId, refundedAt]);
    await tx.query('ALTER TABLE payment_refunds ENABLE TRIGGER payment_refunds_append_only');
  });
}
