import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchPostgresDatabase, POSTGRES_AVAILABLE } from '../support/databases.js';
import { http, runMediSys, startMediSys, type RunningMediSys } from '../support/processes.js';

const ADMIN_PASSWORD = 'the cash desk passphrase';

/**
 * The contract's promise that a payment never takes an invoice below zero outstanding, also when two
 * instances take payments at once: two `medisys serve` processes on one PostgreSQL, racing.
 */
describe.runIf(POSTGRES_AVAILABLE)('paying one invoice from two MediSys processes at once', () => {
  let workDir: string;
  let database: Awaited<ReturnType<typeof createScratchPostgresDatabase>>;
  let servers: [RunningMediSys, RunningMediSys];
  let adminToken: string;
  let cashierTokens: [string, string];
  let patientId: string;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-payments-'));
    database = await createScratchPostgresDatabase();
    const env = {
      MEDISYS_DATASOURCE_URL: database.url,
      MEDISYS_SECURITY_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    };
    const migrated = await runMediSys(['migrate'], { cwd: workDir, env });
    expect(migrated.stderr).toBe('');
    expect(migrated.status).toBe(0);
    servers = await Promise.all([startMediSys({ cwd: workDir, env }), startMediSys({ cwd: workDir, env })]);

    const admin = await http(`${servers[0].apiUrl}/api/v1/auth/login`, {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    expect(admin.status).toBe(200);
    adminToken = admin.body.token;
    const cashier = await http(`${servers[0].apiUrl}/api/v1/users`, {
      token: adminToken,
      body: { username: 'cash-desk', password: 'cash desk passphrase 1', role: 'finance' },
    });
    expect(cashier.status).toBe(201);
    const signedIn = await Promise.all(
      servers.map((server) =>
        http(`${server.apiUrl}/api/v1/auth/login`, {
          body: { username: 'cash-desk', password: 'cash desk passphrase 1' },
        }),
      ),
    );
    cashierTokens = [signedIn[0]!.body.token, signedIn[1]!.body.token];
    const patient = await http(`${servers[1].apiUrl}/api/v1/patients`, {
      token: adminToken,
      body: { name: 'Paying Patient', dateOfBirth: '1970-01-01' },
    });
    expect(patient.status).toBe(201);
    patientId = patient.body.id;
  });

  afterAll(async () => {
    await Promise.all((servers ?? []).map((server) => server.stop('SIGKILL')));
    await database?.drop();
    rmSync(workDir, { recursive: true, force: true });
  });

  async function issuedInvoice(totalCents: number): Promise<string> {
    const draft = await http(`${servers[0].apiUrl}/api/v1/invoices`, {
      token: cashierTokens[0],
      body: { patientId, items: [{ description: 'Treatment', quantity: 1, unitPriceCents: totalCents }] },
    });
    expect(draft.status).toBe(201);
    const issued = await http(`${servers[1].apiUrl}/api/v1/invoices/${draft.body.id}/issue`, {
      method: 'POST',
      token: cashierTokens[1],
    });
    expect(issued.status).toBe(200);
    return draft.body.id;
  }

  async function storedPayments(
    invoiceId: string,
  ): Promise<{ paid: number; outstanding: number; sum: number }> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const result = await client.query<{ paid: string; outstanding: string; sum: string }>(
        `SELECT paid_cents AS paid, outstanding_cents AS outstanding,
                (SELECT coalesce(sum(amount_cents), 0) FROM payments WHERE invoice_id = $1) AS sum
           FROM invoices WHERE id = $1`,
        [invoiceId],
      );
      const row = result.rows[0]!;
      return { paid: Number(row.paid), outstanding: Number(row.outstanding), sum: Number(row.sum) };
    } finally {
      await client.end();
    }
  }

  it('takes exactly one of two payments that together exceed the outstanding amount, in every round', async () => {
    for (let round = 0; round < 10; round++) {
      const invoiceId = await issuedInvoice(10_000);
      const responses = await Promise.all(
        servers.map((server, index) =>
          http(`${server.apiUrl}/api/v1/payments`, {
            token: cashierTokens[index],
            body: { invoiceId, amountCents: 6_000, method: index === 0 ? 'cash' : 'card' },
          }),
        ),
      );
      expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
      const refused = responses.find((response) => response.status === 409)!;
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(await storedPayments(invoiceId)).toEqual({ paid: 6_000, outstanding: 4_000, sum: 6_000 });
    }
  });

  it('lets 20 concurrent payments from both processes through only up to the total', async () => {
    const invoiceId = await issuedInvoice(10_000);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        http(`${servers[index % 2]!.apiUrl}/api/v1/payments`, {
          token: cashierTokens[index % 2],
          body: { invoiceId, amountCents: 1_500, method: 'cash' },
        }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(6);
    expect(statuses.filter((status) => status === 409)).toHaveLength(14);
    expect(await storedPayments(invoiceId)).toEqual({ paid: 9_000, outstanding: 1_000, sum: 9_000 });
  });

  it('numbers invoices issued concurrently by both processes without gaps or duplicates', async () => {
    const drafts = [];
    for (let index = 0; index < 12; index++) {
      const draft = await http(`${servers[index % 2]!.apiUrl}/api/v1/invoices`, {
        token: cashierTokens[index % 2],
        body: { patientId, items: [{ description: 'Visit', quantity: 1, unitPriceCents: 1_000 }] },
      });
      drafts.push(draft.body.id as string);
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const lastIssued = await client
      .query<{ last: number }>(
        `SELECT coalesce(max(last_number), 0)::int AS last FROM document_counters
          WHERE kind = 'invoice' AND year = extract(year FROM now())::int`,
      )
      .finally(() => client.end());
    const responses = await Promise.all(
      drafts.map((id, index) =>
        http(`${servers[index % 2]!.apiUrl}/api/v1/invoices/${id}/issue`, {
          method: 'POST',
          token: cashierTokens[index % 2],
        }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(12).fill(200));
    const numbers = responses
      .map((response) => Number(String(response.body.number).slice(-6)))
      .sort((a, b) => a - b);
    const first = lastIssued.rows[0]!.last + 1;
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, index) => first + index));
  });
});
