import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { http } from '../support/processes.js';
import { chromiumAvailable, screenshot } from './browser.js';
import { useBrowserSuite } from './harness.js';
import { Authenticator, checkPage, field, minimalPdf, navigationLinks, signIn } from './support.js';

const ADMIN_PASSWORD = 'ward rounds at dawn 2024';
const PASSWORDS = {
  reception: 'front desk opens at eight',
  drhouse: 'differential diagnosis board',
  fiona: 'ledgers balance on friday',
  clerk: 'filing cabinets in the basement',
  leaver: 'last day on the ward soon',
} as const;
const ONE_PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
/** What each role's navigation lists (web/src/app/navigation.ts filtered by the role's permissions). */
const NAVIGATION_OF = {
  admin: [
    'Dashboard',
    'Patients',
    'Appointments',
    'Emergency',
    'Doctors',
    'Departments',
    'Invoices',
    'Insurance claims',
    'Reports',
    'Users and roles',
    'Audit log',
    'Break-the-glass review',
  ],
  staff: ['Dashboard', 'Patients', 'Appointments', 'Emergency', 'Doctors', 'Departments', 'Invoices'],
  doctor: ['Dashboard', 'Patients', 'Appointments', 'Emergency', 'Doctors', 'Departments', 'Reports'],
  finance: ['Dashboard', 'Patients', 'Doctors', 'Departments', 'Invoices', 'Insurance claims', 'Reports'],
} as const;
/** Short, so that the suite sees the automatic sign-out; each flow below acts well within it. */
const IDLE_TIMEOUT_SECONDS = 30;

/**
 * The web application in Chromium against a real `medisys serve` (embedded database): each role signs
 * in and walks its screens; every page visited passes axe and is saved as a screenshot; no page breaks
 * the Content-Security-Policy.
 */
describe.skipIf(!chromiumAvailable())('the web application in a browser', () => {
  const suite = useBrowserSuite({
    adminPassword: ADMIN_PASSWORD,
    env: {
      MEDISYS_SECURITY_SESSION_IDLE_TIMEOUT: `${IDLE_TIMEOUT_SECONDS}s`,
      // The product's default, which tests/support/processes.ts turns off for other process tests.
      MEDISYS_SECURITY_MFA_REQUIRED_ROLES: 'admin',
      MEDISYS_SECURITY_THROTTLE_LOGIN_PER_ADDRESS: '500',
      MEDISYS_SECURITY_THROTTLE_LOGIN_PER_ACCOUNT: '50',
    },
  });
  let admin: Authenticator;
  let patientId = '';

  it('serves the app shell with long-cached hashed assets and a strict policy', async () => {
    const index = await fetch(`${suite.baseUrl}/patients/anything`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-store');
    expect(index.headers.get('content-security-policy')).toMatch(/script-src 'self';.*style-src 'self';/);
    const html = await index.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const entry = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const asset = await fetch(`${suite.baseUrl}${entry}`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await http(`${suite.baseUrl}/api/v1/no-such-thing`)).status).toBe(404);
  });

  it(
    'holds the administrator to MFA enrolment with a QR code, then shows the dashboard',
    { timeout: 90_000 },
    async () => {
      const page = await suite.userPage('admin-first');
      await page.goto('/');
      await page.waitForURL('**/sign-in');
      await checkPage(page, 'sign-in');
      await signIn(page, 'admin', ADMIN_PASSWORD);
      await page.waitForURL('**/set-up-mfa');
      await page.getByRole('button', { name: 'Set up the authenticator app' }).click();
      await page.getByAltText('QR code to scan with your authenticator app').waitFor();
      admin = new Authenticator((await page.getByTestId('mfa-secret').innerText()).trim());
      await checkPage(page, 'mfa-enrolment');
      await field(page, 'Code from the app').fill(await admin.code());
      await page.getByRole('button', { name: 'Turn on' }).click();
      await expect.poll(() => page.getByTestId('recovery-codes').getByRole('listitem').count()).toBe(10);
      await page.getByRole('button', { name: 'I have saved these codes' }).click();
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      expect(await navigationLinks(page)).toEqual(NAVIGATION_OF.admin);
      await page.getByText('Revenue this month').waitFor();
      await checkPage(page, 'dashboard-admin');
      await page.context().close();

      await suite.signInAdmin(await admin.code());
      // What the page reads to build the navigation and time the automatic sign-out.
      const me = await suite.api('GET', '/api/v1/auth/me');
      expect(me.body).toMatchObject({
        sessionIdleTimeoutSeconds: IDLE_TIMEOUT_SECONDS,
        mfaEnrolmentRequired: false,
      });
      expect(me.body.permissions).toContain('users:manage');
      // The API session used to set things up would end after the short idle timeout: keep it in use.
      suite.keepAdminSessionAlive();
      for (const [username, role] of [
        ['reception', 'staff'],
        ['drhouse', 'doctor'],
        ['fiona', 'finance'],
        ['clerk', 'staff'],
        ['leaver', 'staff'],
      ] as const) {
        await suite.createUser(username, PASSWORDS[username], role);
      }
    },
  );

  let idlePage: Page;
  let idleWarningShown: Promise<boolean>;

  it('starts a session that will be left idle', async () => {
    idlePage = await suite.userPage('idle-clerk');
    await signIn(idlePage, 'clerk', PASSWORDS.clerk);
    await idlePage.getByRole('heading', { name: 'Dashboard' }).waitFor();
    // Nothing touches this page again; the last test checks what became of it.
    idleWarningShown = idlePage
      .getByText('Are you still there?')
      .waitFor({ timeout: (IDLE_TIMEOUT_SECONDS + 60) * 1000 })
      .then(
        () => true,
        () => false,
      );
  });

  it(
    'lets the front desk register a patient (with per-field errors and a duplicate warning), find them and upload a document',
    { timeout: 150_000 },
    async () => {
      const page = await suite.userPage('reception');
      await signIn(page, 'reception', PASSWORDS.reception);
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      expect(await navigationLinks(page)).toEqual(NAVIGATION_OF.staff);
      await checkPage(page, 'dashboard-staff');

      await page.getByRole('link', { name: 'Patients' }).click();
      await page.getByRole('link', { name: 'Register a patient' }).click();
      await page.getByRole('button', { name: 'Register patient' }).click();
      await page.getByText('Enter the full name as on the identity document.').waitFor();
      await expect.poll(() => page.getByText('Enter the date of birth.').isVisible()).toBe(true);
      await checkPage(page, 'patient-register-errors');
      await field(page, 'Full name').fill('Ada Lovelace-Byron');
      await field(page, 'Date of birth').fill('1985-12-10');
      await field(page, 'Phone').fill('+44 20 7946 0001');
      await page.getByRole('button', { name: 'Register patient' }).click();
      await page.getByText('Patient registered').waitFor();
      patientId = /\/patients\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';
      expect(patientId).not.toBe('');

      await page.goto('/patients/new');
      await field(page, 'Full name').fill('Ada Lovelace Byron');
      await field(page, 'Date of birth').fill('1985-12-10');
      await page.getByRole('button', { name: 'Register patient' }).click();
      await page.getByText('Registered — but this may be a duplicate').waitFor();
      await expect(page.getByRole('link', { name: 'Ada Lovelace-Byron' }).getAttribute('href')).resolves.toBe(
        `/patients/${patientId}`,
      );
      await checkPage(page, 'patient-duplicate-warning');

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Patients' }).click();
      await field(page, 'Search patients').fill('lovelace');
      await expect.poll(() => page.getByRole('row').filter({ hasText: 'Lovelace' }).count()).toBe(2);
      await page.getByRole('button', { name: /^Sort by Name/ }).click();
      await expect
        .poll(() => page.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort'))
        .toBe('ascending');
      await checkPage(page, 'patients-search');

      await page.getByRole('link', { name: 'Ada Lovelace-Byron' }).click();
      await page.getByRole('heading', { name: 'Ada Lovelace-Byron' }).waitFor();
      await page.getByRole('button', { name: 'Edit details' }).click();
      await field(page, 'Phone').fill('+44 20 7946 0999');
      // Meanwhile someone else saves the record.
      const current = await suite.api('GET', `/api/v1/patients/${patientId}`);
      const other = await suite.api(
        'PATCH',
        `/api/v1/patients/${patientId}`,
        { address: '12 St James Square, London' },
        { 'if-match': current.headers.get('etag')! },
      );
      expect(other.status).toBe(200);
      await page.getByRole('button', { name: 'Save changes' }).click();
      const conflict = page.getByTestId('edit-conflict');
      await conflict.waitFor();
      await expect(conflict.innerText()).resolves.toContain('12 St James Square, London');
      await expect(conflict.innerText()).resolves.toContain('+44 20 7946 0999');
      await checkPage(page, 'patient-edit-conflict');
      await page.getByRole('button', { name: 'Apply my changes to the new version' }).click();
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('button', { name: 'Edit details' }).waitFor();
      await page.getByText('12 St James Square, London').waitFor();
      await page.getByText('+44 20 7946 0999').waitFor();
      await checkPage(page, 'patient-details');

      await page.getByRole('tab', { name: 'Documents' }).click();
      await page
        .locator('input[type="file"]')
        .first()
        .setInputFiles({
          name: 'referral.pdf',
          mimeType: 'application/pdf',
          buffer: minimalPdf('referral from the GP'),
        });
      await field(page, 'Title').fill('GP referral letter');
      await page.getByRole('button', { name: 'Upload', exact: true }).click();
      await page.getByRole('link', { name: 'GP referral letter' }).waitFor();
      await page.locator('input[type="file"]').nth(1).setInputFiles({
        name: 'ada.png',
        mimeType: 'image/png',
        buffer: ONE_PIXEL_PNG,
      });
      await page.getByText('Current photo').waitFor();
      await expect
        .poll(() =>
          page
            .getByAltText('Photo of Ada Lovelace-Byron')
            .evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth),
        )
        .toBe(1);
      await checkPage(page, 'patient-documents');

      await page.getByTestId('account-menu').click();
      await page.getByRole('menuitem', { name: 'My account' }).click();
      await page.getByRole('heading', { name: 'Where you are signed in' }).waitFor();
      await page.getByText('This browser').waitFor();
      await checkPage(page, 'account');

      await page.setViewportSize({ width: 768, height: 1000 });
      await page.goto(`/patients/${patientId}`);
      await page.getByRole('heading', { name: 'Ada Lovelace-Byron' }).waitFor();
      expect(await navigationLinks(page)).toEqual(NAVIGATION_OF.staff);
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      await page.keyboard.press('Tab');
      await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe(
        'Skip to main content',
      );
      await screenshot(page, 'patient-768px');
    },
  );

  it(
    'lets a doctor break the glass, record a diagnosis and amend it, keeping every version',
    { timeout: 90_000 },
    async () => {
      const page = await suite.userPage('doctor');
      await signIn(page, 'drhouse', PASSWORDS.drhouse);
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      expect(await navigationLinks(page)).toEqual(NAVIGATION_OF.doctor);
      await page.goto(`/patients/${patientId}/history`);
      await page.getByText('This patient is not in your care').waitFor();
      await checkPage(page, 'patient-break-the-glass');
      await field(page, 'Reason for emergency access').fill(
        'Collapsed in the waiting room; needs her allergies now.',
      );
      await page.getByRole('button', { name: 'Break the glass and open the record' }).click();
      await page.getByText('Nothing recorded for these filters.').waitFor();

      await page.getByRole('button', { name: 'Add entry' }).click();
      const dialog = page.getByRole('dialog');
      await field(dialog, 'Type').click();
      await page.getByRole('option', { name: 'Diagnosis' }).click();
      await field(dialog, 'ICD-10 code').fill('I10');
      await dialog.getByRole('textbox', { name: 'Diagnosis' }).fill('Essential hypertension');
      await dialog.getByRole('button', { name: 'Add entry' }).click();
      const entry = page.getByTestId('history-entry');
      await entry.getByText('Essential hypertension').waitFor();

      await entry.getByRole('button', { name: 'Amend' }).click();
      await dialog.getByRole('textbox', { name: 'Diagnosis' }).fill('Essential hypertension, stage 1');
      await field(dialog, 'Reason for the amendment').fill('Confirmed by a week of home readings');
      await dialog.getByRole('button', { name: 'Save amendment' }).click();
      await entry.getByText('Amended (v2)').waitFor();
      await expect(entry.innerText()).resolves.toContain('Confirmed by a week of home readings');
      await checkPage(page, 'patient-history');
      await entry.getByRole('button', { name: 'Show all 2 versions' }).click();
      await dialog.getByText('Version 1').waitFor();
      await expect(dialog.innerText()).resolves.toMatch(
        /Essential hypertension\n[\s\S]*Version 2[\s\S]*stage 1/,
      );
      await checkPage(page, 'patient-history-versions');
    },
  );

  it('lets finance replace a temporary password before anything else', { timeout: 60_000 }, async () => {
    const reset = await suite.api('POST', `/api/v1/users/${await userId('fiona')}/reset-password`);
    expect(reset.status).toBe(200);
    const page = await suite.userPage('finance');
    await signIn(page, 'fiona', reset.body.temporaryPassword);
    await page.waitForURL('**/change-password');
    await checkPage(page, 'change-password');
    await field(page, 'Current password').fill(reset.body.temporaryPassword);
    await field(page, 'New password').fill(PASSWORDS.fiona);
    await field(page, 'New password again').fill(PASSWORDS.fiona);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await navigationLinks(page)).toEqual(NAVIGATION_OF.finance);
    await page.getByText('Revenue this month').waitFor();
    await checkPage(page, 'dashboard-finance');
  });

  it(
    'lets the administrator sign in with a code, lock a user, read the audit log and review the broken glass',
    { timeout: 120_000 },
    async () => {
      const page = await suite.userPage('admin');
      await signIn(page, 'admin', ADMIN_PASSWORD, admin);
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

      await page.getByRole('link', { name: 'Users and roles' }).click();
      const row = page.getByTestId('user-row-leaver');
      await row.getByRole('button', { name: 'Actions for leaver' }).click();
      await page.getByRole('menuitem', { name: 'Lock' }).click();
      await row.getByText('Locked').waitFor();
      await checkPage(page, 'admin-users');
      await page.getByRole('tab', { name: 'Access review' }).click();
      await page.getByRole('columnheader', { name: 'Days inactive' }).waitFor();
      await checkPage(page, 'admin-access-review');

      const locked = await suite.userPage('locked-out');
      await signIn(locked, 'leaver', PASSWORDS.leaver);
      await locked.getByText('Account locked').waitFor();
      await checkPage(locked, 'sign-in-locked');
      await locked.context().close();

      await page.getByRole('link', { name: 'Audit log' }).click();
      await field(page, 'Action').fill('user_locked');
      await page.getByRole('button', { name: 'Filter', exact: true }).click();
      await expect.poll(() => page.getByTestId('audit-row').count()).toBe(1);
      await expect(page.getByTestId('audit-row').innerText()).resolves.toMatch(/USER_LOCKED[\s\S]*admin/);
      await checkPage(page, 'admin-audit-log');

      await page.getByRole('link', { name: 'Break-the-glass review' }).click();
      const access = page.getByRole('row').filter({ hasText: 'drhouse' });
      await access.getByText('Collapsed in the waiting room').waitFor();
      await checkPage(page, 'admin-break-the-glass');
      await access.getByRole('button', { name: 'Review' }).click();
      await page.getByRole('radio', { name: 'Justified', exact: true }).check();
      await page.getByRole('button', { name: 'Save review' }).click();
      await page.getByText('Nothing waits for review.').waitFor();
    },
  );

  it('warns the idle user, then signs them out at the idle timeout', { timeout: 150_000 }, async () => {
    expect(await idleWarningShown).toBe(true);
    await idlePage.getByText('You were signed out automatically').waitFor({ timeout: 60_000 });
    expect(idlePage.url()).toMatch(/\/sign-in$/);
    expect((await idlePage.request.get('/api/v1/auth/me')).status()).toBe(401);
    await screenshot(idlePage, 'signed-out-idle');
  });

  it('broke no Content-Security-Policy rule and threw no script error on any page', () => {
    suite.expectNoPageProblems();
  });

  async function userId(username: string): Promise<string> {
    const list = await suite.api('GET', `/api/v1/users?q=${username}`);
    return list.body.items.find((user: { username: string }) => user.username === username).id;
  }
});
