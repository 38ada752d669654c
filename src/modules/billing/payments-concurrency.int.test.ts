import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getInvoice, issuedInvoice, pay } from '../../../tests/support/billing-factories.js';
import { registerPatient } from '../../../tests/support/clinical-factories.js';
import { DATABASE_KINDS } from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';

/**
 * Two payments that together exceed what is outstanding, sent at the same moment. On PostgreSQL they
 * run on two pool connections and really race for the invoice row; embedded PGlite runs them one after
 * the other. Either way exactly one is taken.
 */
describe.each(DATABASE_KINDS)('concurrent payments on %s', (kind) => {
  let t: TestApp;
  let cashiers: [string, string];
  let patientId: string;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    cashiers = [await t.userToken('finance'), await t.userToken('finance')];
    patientId = (await registerPatient(t, await t.userToken('staff'))).id;
  });
  afterAll(async () => t?.close());

  it('takes exactly one of two payments that together exceed the outstanding amount; the other gets 409', async () => {
    for (let round = 0; round < 10; round++) {
      const invoice = await issuedInvoice(t, cashiers[0], patientId);
      const responses = await Promise.all([
        pay(t, cashiers[0], invoice.id, 6_000, 'cash'),
        pay(t, cashiers[1], invoice.id, 6_000, 'card'),
      ]);
      expect(responses.map((response) => response.statusCode).sort()).toEqual([201, 409]);
      const refused = responses.find((response) => response.statusCode === 409)!;
      expect(refused.json().detail).toMatch(/4000 cents outstanding/);
      const after = await getInvoice(t, cashiers[0], invoice.id);
      expect(after).toMatchObject({ paidCents: 6_000, outstandingCents: 4_000, status: 'partially_paid' });
    }
  });

  it('lets many concurrent payments through only up to the total, never below zero', async () => {
    const invoice = await issuedInvoice(t, cashiers[0], patientId);
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, index) => pay(t, cashiers[index % 2]!, invoice.id, 1_500)),
    );
    const taken = responses.filter((response) => response.statusCode === 201).length;
    expect(taken).toBe(6);
    expect(responses.filter((response) => response.statusCode === 409)).toHaveLength(6);
    const after = await getInvoice(t, cashiers[0], invoice.id);
    expect(after).toMatchObject({ paidCents: 9_000, outstandingCents: 1_000 });
  });
});
