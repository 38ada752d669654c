import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, startMediSys, type RunningMediSys } from '../support/processes.js';
import {
  chromiumAvailable,
  launchBrowser,
  newUserContext,
  screenshot,
  type PageProblems,
} from './browser.js';
import { apiCall, checkPage, field, navigationLinks, signIn } from './support.js';

const ADMIN_PASSWORD = 'ward rounds at dawn 2024';
const FINANCE_PASSWORD = 'ledgers balance on friday';
const PATIENT_NAME = 'Grace Brewster Hopper';

/** Clicks `button` and reads the file the page downloads as a result. */
async function downloaded(page: Page, button: Locator): Promise<{ name: string; content: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), content: readFileSync(file) };
}

/**
 * Billing and reports in Chromium against a real `medisys serve` (embedded database): finance bills a
 * patient, issues the invoice, takes a payment that settles it and downloads the receipt; then
 * previews a report and downloads it as CSV and PDF with the session cookie. Every page passes axe
 * and is saved as a screenshot; no page breaks the Content-Security-Policy.
 */
describe.skipIf(!chromiumAvailable())('finance and reports in a browser', () => {
  let workDir: string;
  let server: RunningMediSys;
  let browser: Browser;
  let baseUrl: string;
  let adminToken = '';
  let keepAlive: NodeJS.Timeout | undefined;
  let patientId = '';
  let page: Page;
  const pages: { name: string; page: Page; problems: PageProblems }[] = [];

  async function created(pathName: string, body: unknown): Promise<any> {
    const response = await apiCall(baseUrl, adminToken, 'POST', pathName, body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body;
  }

  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    for (const { name, page: open } of pages) {
      if (!open.isClosed()) await screenshot(open, `failed-finance-${name}`).catch(() => undefined);
    }
  });

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-e2e-finance-'));
    [server, browser] = await Promise.all([
      startMediSys({
        cwd: workDir,
        timeoutMs: 90_000,
        env: {
          MEDISYS_SECURITY_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
          MEDISYS_SECURITY_THROTTLE_LOGIN_PER_ADDRESS: '500',
        },
      }),
      launchBrowser(),
    ]);
    baseUrl = server.apiUrl;
    const login = await http(`${baseUrl}/api/v1/auth/login`, {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    expect(login.status).toBe(200);
    adminToken = login.body.token;
    keepAlive = setInterval(
      () => void http(`${baseUrl}/api/v1/auth/me`, { token: adminToken }).catch(() => undefined),
      10_000,
    );
    await created('/api/v1/users', { username: 'fiona', password: FINANCE_PASSWORD, role: 'finance' });
    patientId = (await created('/api/v1/patients', { name: PATIENT_NAME, dateOfBirth: '1946-12-09' })).id;

    const context = await newUserContext(browser, baseUrl);
    page = context.page;
    pages.push({ name: 'fiona', page, problems: context.problems });
  });

  afterAll(async () => {
    clearInterval(keepAlive);
    await browser?.close();
    await server?.stop('SIGTERM');
    rmSync(workDir, { recursive: true, force: true });
  });

  it(
    'lets finance bill a patient, issue the invoice, settle it with a payment and download the receipt',
    { timeout: 180_000 },
    async () => {
      await signIn(page, 'fiona', FINANCE_PASSWORD);
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      const links = await navigationLinks(page);
      expect(links.slice(links.indexOf('Invoices'), links.indexOf('Invoices') + 3)).toEqual([
        'Invoices',
        'Insurance claims',
        'Reports',
      ]);
      expect(links).not.toContain('Users and roles');

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
      await page.getByRole('heading', { name: 'Invoices', level: 1 }).waitFor();
      await page.getByText('No invoice matches these filters.').waitFor();
      await checkPage(page, 'finance-invoices-empty');

      await page.getByRole('link', { name: 'New invoice' }).click();
      await page.getByRole('heading', { name: 'New invoice' }).waitFor();
      await page.getByRole('button', { name: 'Create draft' }).click();
      await page.getByText('Choose the patient to bill.').waitFor();
      await page.getByText('An amount such as 45.00.').waitFor();
      await checkPage(page, 'finance-new-invoice-errors');

      await page.getByRole('combobox', { name: 'Patient' }).fill('Hopper');
      await page.getByRole('option', { name: new RegExp(PATIENT_NAME) }).click();
      await field(page, 'Service code').fill('CONS-GP');
      await field(page, 'Description').fill('General practice consultation');
      await field(page, 'Quantity').fill('2');
      await field(page, 'Unit price').fill('45.00');
      await field(page, 'Tax %').fill('15');
      // 2 × 45.00 = 90.00; 15 % tax = 13.50; total 103.50, worked out in the browser as the server will.
      await expect
        .poll(() => page.getByTestId('invoice-totals').innerText())
        .toMatch(/Subtotal\s+90\.00[\s\S]*Tax\s+13\.50[\s\S]*Total\s+103\.50/);
      await checkPage(page, 'finance-new-invoice');
      await page.getByRole('button', { name: 'Create draft' }).click();

      await page.getByRole('heading', { name: /Draft invoice/ }).waitFor();
      expect(page.url()).toMatch(/\/finance\/invoices\/[0-9a-f-]{36}$/);
      await expect(page.getByTestId('invoice-totals').innerText()).resolves.toMatch(/Total\s+103\.50/);
      await checkPage(page, 'finance-invoice-draft');

      await page.getByRole('button', { name: 'Issue invoice' }).click();
      const issuedHeading = page.getByRole('heading', { name: /Invoice INV-\d{4}-\d{6}/ });
      await issuedHeading.waitFor();
      const invoiceNumber = /INV-\d{4}-\d{6}/.exec(await issuedHeading.innerText())![0];
      await page.getByText('No payments yet.').waitFor();
      await page.getByText('No insurance coverage on record').waitFor();
      await checkPage(page, 'finance-invoice-issued');

      await page.getByRole('button', { name: 'Record payment' }).click();
      const dialog = page.getByRole('dialog');
      await expect(field(dialog, 'Amount').inputValue()).resolves.toBe('103.50');
      await field(dialog, 'Reference').fill('Card slip 0042');
      await checkPage(page, 'finance-payment-dialog');
      await dialog.getByRole('button', { name: 'Record payment' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => page.getByTestId('outstanding').innerText()).toBe('0.00');
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toMatch(/Paid/i);
      await expect(page.getByRole('button', { name: 'Record payment' }).count()).resolves.toBe(0);
      await page
        .getByTestId('payment-row')
        .getByText(/RCP-\d{4}-\d{6}/)
        .waitFor();
      await checkPage(page, 'finance-invoice-paid');

      await page.getByTestId('payment-row').getByRole('button', { name: 'Show receipt' }).click();
      const receipt = page.getByTestId('receipt');
      await receipt.getByRole('heading', { name: /Receipt RCP-/ }).waitFor();
      await expect(receipt.innerText()).resolves.toContain(PATIENT_NAME);
      await expect(receipt.innerText()).resolves.toContain(invoiceNumber);
      await checkPage(page, 'finance-receipt');
      const receiptPdf = await downloaded(page, receipt.getByRole('button', { name: 'Download PDF' }));
      expect(receiptPdf.name).toMatch(/^receipt-RCP-\d{4}-\d{6}\.pdf$/);
      expect(receiptPdf.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      await page.keyboard.press('Escape');
      await receipt.waitFor({ state: 'detached' });

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
      await page.getByRole('combobox', { name: 'Status' }).click();
      await page.getByRole('option', { name: 'Paid', exact: true }).click();
      await expect.poll(() => page.url()).toMatch(/status=paid/);
      const row = page.getByTestId('invoice-row');
      await expect.poll(() => row.count()).toBe(1);
      await expect(row.innerText()).resolves.toMatch(
        new RegExp(`${invoiceNumber}[\\s\\S]*${PATIENT_NAME}[\\s\\S]*103\\.50[\\s\\S]*Paid`, 'i'),
      );
      await checkPage(page, 'finance-invoices-paid');

      // The patient's page lists the invoice and links to it.
      await page.goto(`/patients/${patientId}/invoices`);
      await page.getByRole('link', { name: invoiceNumber }).click();
      await page.getByRole('heading', { name: new RegExp(`Invoice ${invoiceNumber}`) }).waitFor();
    },
  );

  it(
    'previews a report with a chart and downloads it as CSV and as PDF with the session cookie',
    { timeout: 120_000 },
    async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
      await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
      await expect(page.getByRole('combobox', { name: 'Report' }).inputValue()).resolves.toBe('Finance');
      await checkPage(page, 'reports-empty');

      await page.getByRole('button', { name: 'Preview' }).click();
      const preview = page.getByTestId('report-preview');
      await preview.waitFor();
      // This month's invoice and its payment, as issued and paid above.
      await expect(preview.getByTestId('report-table-totals').innerText()).resolves.toMatch(/103\.50/);
      await expect(page.getByTestId('chart-summary').innerText()).resolves.toMatch(
        /^Revenue \(whole units\): \d{4}-\d{2} 90\.$/,
      );
      await checkPage(page, 'reports-finance-preview');

      const csv = await downloaded(page, page.getByRole('button', { name: 'Download CSV' }));
      expect(csv.name).toMatch(/^finance-\d{4}-\d{2}-01-to-\d{4}-\d{2}-\d{2}\.csv$/);
      const lines = csv.content.toString('utf8').trim().split(/\r?\n/);
      expect(lines[0]).toMatch(/^section,invoiceCount,/);
      expect(lines.find((line) => line.startsWith('totals,'))).toContain('10350');

      const pdf = await downloaded(page, page.getByRole('button', { name: 'Download PDF' }));
      expect(pdf.name).toMatch(/^finance-.*\.pdf$/);
      expect(pdf.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');

      // Another report of the catalogue, through the same screen.
      await page.getByRole('combobox', { name: 'Report' }).click();
      await page.getByRole('option', { name: 'Patient registrations' }).click();
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.getByRole('heading', { name: /Patient/, level: 2 }).waitFor();
      await expect(preview.getByTestId('report-table-totals').innerText()).resolves.toMatch(
        /Registrations\s+1/,
      );
      await checkPage(page, 'reports-patients-preview');
      const patientsCsv = await downloaded(page, page.getByRole('button', { name: 'Download CSV' }));
      expect(patientsCsv.content.toString('utf8').split(/\r?\n/)[0]).toBe(
        'section,registrations,sex,patients,ageBand,month',
      );
    },
  );

  it(
    "claims an invoice from the patient's insurer and walks the claim to payment",
    { timeout: 120_000 },
    async () => {
      await created(`/api/v1/patients/${patientId}/coverages`, {
        provider: 'Harbour Mutual',
        policyNumber: 'HM-77120',
        coverageBasisPoints: 8_000,
        validFrom: '2020-01-01',
      });
      const draft = await created('/api/v1/invoices', {
        patientId,
        items: [{ serviceCode: 'XR-CHEST', description: 'Chest X-ray', quantity: 1, unitPriceCents: 20_000 }],
      });
      const issued = await apiCall(baseUrl, adminToken, 'POST', `/api/v1/invoices/${draft.id}/issue`, {});
      expect(issued.status).toBe(200);

      await page.goto(`/finance/invoices/${draft.id}`);
      await page.getByRole('heading', { name: new RegExp(`Invoice ${issued.body.number}`) }).waitFor();
      await page.getByRole('cell', { name: 'Harbour Mutual' }).waitFor();
      await page.getByRole('button', { name: 'Claim from the insurer' }).click();
      const claim = page.getByTestId('claim-row');
      // 80 % of 200.00.
      await expect
        .poll(() => claim.innerText())
        .toMatch(/CLM-\d{4}-\d{6}[\s\S]*Harbour Mutual[\s\S]*160\.00/);
      await expect(claim.getByTestId('status').innerText()).resolves.toMatch(/submitted/i);
      await checkPage(page, 'finance-claim-submitted');

      await claim.getByRole('button', { name: 'Mark in review' }).click();
      await claim.getByRole('button', { name: 'Record decision' }).click();
      const dialog = page.getByRole('dialog');
      await page.getByRole('combobox', { name: 'Outcome' }).click();
      await page.getByRole('option', { name: 'Partially approved' }).click();
      await field(dialog, 'Approved amount').fill('150');
      await checkPage(page, 'finance-claim-decision');
      await dialog.getByRole('button', { name: 'Record decision' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => claim.getByTestId('status').innerText()).toMatch(/partially approved/i);

      await claim.getByRole('button', { name: 'Record payer payment' }).click();
      await expect(field(dialog, 'Amount paid by the payer').inputValue()).resolves.toBe('150.00');
      await field(dialog, 'Remittance reference').fill('REM-2291');
      await dialog.getByRole('button', { name: 'Record payer payment' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => claim.getByTestId('status').innerText()).toMatch(/paid/i);
      // The payer's payment is posted to the invoice; the patient owes the rest.
      await expect.poll(() => page.getByTestId('outstanding').innerText()).toBe('50.00');
      await expect(page.getByTestId('payment-row').innerText()).resolves.toMatch(/Insurance[\s\S]*150\.00/);
      await checkPage(page, 'finance-claim-paid');

      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Insurance claims' })
        .click();
      await page.getByRole('heading', { name: 'Insurance claims', level: 1 }).waitFor();
      await expect.poll(() => page.getByTestId('claim-row').count()).toBe(1);
      await checkPage(page, 'finance-claims');
    },
  );

  it('broke no Content-Security-Policy rule and threw no script error on any page', () => {
    for (const { name, problems } of pages) {
      expect(problems.cspViolations, name).toEqual([]);
      expect(problems.scriptErrors, name).toEqual([]);
    }
  });
});
