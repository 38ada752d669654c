import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from './browser.js';
import { useBrowserSuite } from './harness.js';
import { checkPage, field, navigationLinks, signIn } from './support.js';

const ADMIN_PASSWORD = 'ward rounds at dawn 2024';
const RECEPTION_PASSWORD = 'triage desk by the doors';

/**
 * Closes the "Saved" notifications: axe measures a notification that is still fading in as too
 * faint, and a page is checked as the user reads it.
 */
async function dismissNotifications(page: Page): Promise<void> {
  for (const button of await page.getByRole('button', { name: 'Dismiss' }).all()) {
    await button.click().catch(() => undefined);
  }
  await expect.poll(() => page.locator('.mantine-Notification-root').count()).toBe(0);
}

/** A date `days` after today (UTC), YYYY-MM-DD. */
function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The doctors, departments and emergency screens in Chromium against a real `medisys serve`
 * (embedded database; MFA is not required of any role here, as tests/support/processes.ts sets): the
 * administrator edits a doctor's hours, leave, profile and department staff; the front desk admits an
 * emergency through the quick form and works the live board. Every page passes axe and is saved as a
 * screenshot; no page breaks the Content-Security-Policy.
 */
describe.skipIf(!chromiumAvailable())('doctors, departments and the emergency board in a browser', () => {
  const suite = useBrowserSuite({
    name: 'staff',
    adminPassword: ADMIN_PASSWORD,
    env: {
      MEDISYS_SECURITY_THROTTLE_LOGIN_PER_ADDRESS: '500',
      MEDISYS_SECURITY_THROTTLE_LOGIN_PER_ACCOUNT: '50',
    },
    signInAdmin: true,
    startTimeoutMs: 150_000,
  });
  const api = suite.api;
  let departmentId = '';
  let doctorId = '';

  beforeAll(async () => {
    departmentId = (
      await suite.created('/api/v1/departments', {
        code: 'emrg',
        name: 'Emergency medicine',
        location: 'Main building, ground floor',
      })
    ).id;
    await suite.created('/api/v1/departments', { code: 'CARD', name: 'Cardiology' });
    doctorId = (
      await suite.created('/api/v1/doctors', {
        name: 'Meredith Grey',
        licenseNumber: 'LIC-E2E-100',
        specialization: 'Emergency medicine',
        departmentId,
      })
    ).id;
    await suite.createUser('nightclerk', RECEPTION_PASSWORD, 'staff');
  });

  it(
    "lets the administrator edit a doctor's working hours, leave and profile, and staff a department",
    { timeout: 150_000 },
    async () => {
      const page = await suite.userPage('admin');
      await signIn(page, 'admin', ADMIN_PASSWORD);
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      const links = await navigationLinks(page);
      expect(links).toEqual(expect.arrayContaining(['Emergency', 'Doctors', 'Departments']));

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Doctors' }).click();
      await page.getByRole('heading', { name: 'Doctors', level: 1 }).waitFor();
      await field(page, 'Search doctors').fill('grey');
      await page.getByRole('status').filter({ hasText: '1 doctor' }).waitFor();
      await page.getByRole('row').filter({ hasText: 'Emergency medicine' }).waitFor();
      await checkPage(page, 'doctors-list');

      await page.getByRole('link', { name: 'Meredith Grey' }).click();
      await page.getByRole('heading', { name: 'Meredith Grey', level: 1 }).waitFor();
      const weekly = page.getByTestId('working-hours');
      await expect
        .poll(() => weekly.getByRole('row', { name: /Monday/ }).innerText())
        .toContain('08:00–17:00');
      await expect(weekly.getByRole('row', { name: /Saturday/ }).innerText()).resolves.toContain(
        'Not working',
      );
      await checkPage(page, 'doctor-profile');

      // An overlapping interval is refused in the form, beside the interval.
      await page.getByRole('button', { name: 'Edit working hours' }).click();
      await page.getByRole('button', { name: 'Add hours on Monday' }).click();
      await page.getByLabel('Monday interval 2 start').fill('16:00');
      await page.getByLabel('Monday interval 2 end').fill('18:00');
      await page.getByRole('button', { name: 'Save working hours' }).click();
      await page.getByText('Overlaps 08:00–17:00.').waitFor();
      await checkPage(page, 'doctor-working-hours-errors');
      await page.getByRole('button', { name: 'Remove Monday interval 2' }).click();
      await page.getByRole('button', { name: 'Add hours on Saturday' }).click();
      await page.getByLabel('Saturday interval 1 start').fill('09:00');
      await page.getByLabel('Saturday interval 1 end').fill('13:00');
      await page.getByRole('button', { name: 'Save working hours' }).click();
      await page.getByRole('button', { name: 'Edit working hours' }).waitFor();
      await expect(weekly.getByRole('row', { name: /Saturday/ }).innerText()).resolves.toContain(
        '09:00–13:00',
      );
      const hours = await api('GET', `/api/v1/doctors/${doctorId}/working-hours`);
      expect(hours.body.hours).toContainEqual({ weekday: 6, start: '09:00', end: '13:00' });
      expect(hours.body.hours).toHaveLength(6);
      await dismissNotifications(page);
      await checkPage(page, 'doctor-working-hours');

      // Changed hours on one date: a day off plus a session with the new hours.
      const date = daysFromNow(10);
      await page.getByRole('button', { name: 'Add leave or changed hours' }).click();
      await field(page, 'Date').fill(date);
      await page.getByRole('combobox', { name: 'Change' }).click();
      await page.getByRole('option', { name: 'Changed hours' }).click();
      await field(page, 'From').fill('12:00');
      await field(page, 'Until').fill('16:00');
      await field(page, 'Reason').fill('Covering the evening clinic');
      await page.getByRole('button', { name: 'Add change' }).click();
      const exceptions = page.getByTestId('schedule-exceptions');
      await exceptions.getByText('Extra session 12:00–16:00').waitFor();
      await exceptions.getByText('Day off').waitFor();
      const recorded = await api('GET', `/api/v1/doctors/${doctorId}/exceptions`);
      expect(recorded.body.items.map((item: { kind: string }) => item.kind).sort()).toEqual([
        'extra',
        'unavailable',
      ]);
      await dismissNotifications(page);
      await checkPage(page, 'doctor-exceptions');

      // Someone else saves the doctor while the profile is being edited: the save is refused (412).
      await page.getByRole('button', { name: 'Edit profile' }).click();
      await field(page, 'Specialization').fill('Emergency and trauma medicine');
      const current = await api('GET', `/api/v1/doctors/${doctorId}`);
      const other = await api(
        'PATCH',
        `/api/v1/doctors/${doctorId}`,
        { phone: '+44 20 7946 0123' },
        { 'if-match': current.headers.get('etag')! },
      );
      expect(other.status).toBe(200);
      await page.getByRole('button', { name: 'Save profile' }).click();
      const conflict = page.getByTestId('edit-conflict');
      await conflict.waitFor();
      await expect(conflict.innerText()).resolves.toContain('+44 20 7946 0123');
      await expect(conflict.innerText()).resolves.toContain('Emergency and trauma medicine');
      await checkPage(page, 'doctor-edit-conflict');
      await page.getByRole('button', { name: 'Apply my changes to the new version' }).click();
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByRole('button', { name: 'Edit profile' }).waitFor();
      const saved = await api('GET', `/api/v1/doctors/${doctorId}`);
      expect(saved.body).toMatchObject({
        specialization: 'Emergency and trauma medicine',
        phone: '+44 20 7946 0123',
      });

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Departments' }).click();
      await page.getByRole('heading', { name: 'Departments', level: 1 }).waitFor();
      await page.getByRole('row').filter({ hasText: 'CARD' }).waitFor();
      await dismissNotifications(page);
      await checkPage(page, 'departments-list');
      await page.getByRole('link', { name: 'Emergency medicine' }).click();
      await page.getByRole('heading', { name: 'Emergency medicine', level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Meredith Grey' }).waitFor();
      const assign = page.getByRole('form', { name: 'Assign staff' });
      await assign.getByRole('combobox', { name: 'Doctor' }).fill('Grey');
      await page.getByRole('option', { name: /Meredith Grey/ }).click();
      await field(assign, 'Position').fill('Consultant');
      await assign.getByRole('button', { name: 'Assign to the department' }).click();
      const staff = page.getByTestId('department-staff');
      await staff.getByRole('row').filter({ hasText: 'Consultant' }).waitFor();
      const members = await api('GET', `/api/v1/departments/${departmentId}/staff`);
      expect(members.body.items).toEqual([
        expect.objectContaining({ doctorId, position: 'Consultant', displayName: 'Meredith Grey' }),
      ]);
      await dismissNotifications(page);
      await checkPage(page, 'department-page');
    },
  );

  it(
    'lets the front desk admit an unknown patient in seconds and work the live board',
    { timeout: 150_000 },
    async () => {
      const page = await suite.userPage('triage');
      await signIn(page, 'nightclerk', RECEPTION_PASSWORD);
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      const links = await navigationLinks(page);
      expect(links).toEqual(expect.arrayContaining(['Emergency', 'Doctors', 'Departments']));

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Emergency' }).click();
      await page.getByRole('heading', { name: 'Emergency board' }).waitFor();
      await page.getByText('Nobody is waiting.').waitFor();
      await checkPage(page, 'emergency-board-empty');

      await page.getByRole('link', { name: 'Admit a patient' }).click();
      await page.getByRole('heading', { name: 'Emergency admission' }).waitFor();
      await page.getByRole('button', { name: 'Admit patient' }).click();
      await page.getByText('Say why the patient came, in a few words.').waitFor();
      await page.getByText('Estimate the age in years.').waitFor();
      await checkPage(page, 'quick-admission-errors');

      // From the board's button to the patient on the board, leaving out the time the checks take.
      await page.getByRole('link', { name: 'Cancel' }).click();
      const started = Date.now();
      await page.getByRole('link', { name: 'Admit a patient' }).click();
      // The complaint field has the focus: type, pick a level and an age, admit.
      await expect
        .poll(() => page.evaluate('document.activeElement?.labels?.[0]?.textContent ?? ""'))
        .toMatch(/^Chief complaint/);
      await page.keyboard.type('Unconscious, found at the bus stop');
      await page.getByText('2 · Emergent').click();
      await field(page, 'Estimated age (years)').fill('40');
      await page.getByText('Male', { exact: true }).click();
      await page.getByRole('combobox', { name: 'Department' }).click();
      await page.getByRole('option', { name: 'Emergency medicine (EMRG)' }).click();
      const checking = Date.now();
      await checkPage(page, 'quick-admission');
      const checkMs = Date.now() - checking;
      await page.getByRole('button', { name: 'Admit patient' }).click();

      await page.getByRole('heading', { name: 'Emergency board' }).waitFor();
      const row = page.getByTestId('board-row').filter({ hasText: 'Unconscious, found at the bus stop' });
      await row.getByText('Just admitted').waitFor();
      const text = await row.innerText();
      expect(text).toContain('2 · Emergent');
      expect(text).toMatch(/unidentified/i);
      expect(text).toContain('Emergency medicine');
      expect(text).toMatch(/Just arrived|\d+ min/);
      expect(Date.now() - started - checkMs).toBeLessThan(30_000);
      const board = await api('GET', '/api/v1/admissions/board');
      expect(board.body.items).toEqual([
        expect.objectContaining({
          triagePriority: 2,
          chiefComplaint: 'Unconscious, found at the bus stop',
          patient: expect.objectContaining({ unidentified: true, sex: 'male' }),
        }),
      ]);
      await checkPage(page, 'emergency-board');

      // Another desk admits a more urgent patient: the board shows it on its next refresh, first.
      const registered = await api('POST', '/api/v1/patients', {
        name: 'Walter Bishop',
        dateOfBirth: '1950-04-02',
      });
      expect(registered.status).toBe(201);
      const urgent = await api('POST', '/api/v1/admissions', {
        patientId: registered.body.id,
        triagePriority: 1,
        chiefComplaint: 'Cardiac arrest in the car park',
      });
      expect(urgent.status).toBe(201);
      await page
        .getByTestId('board-row')
        .filter({ hasText: 'Cardiac arrest in the car park' })
        .waitFor({ timeout: 45_000 });
      await expect(page.getByTestId('board-row').first().innerText()).resolves.toContain('1 · Resuscitation');

      // The unknown patient turns out to be someone registered.
      const known = await api('POST', '/api/v1/patients', {
        name: 'Peter Bishop',
        dateOfBirth: '1985-09-10',
      });
      expect(known.status).toBe(201);
      await row.getByRole('button', { name: /^Identify/ }).click();
      const identify = page.getByRole('dialog');
      await identify.getByRole('combobox', { name: 'Patient' }).fill('Peter Bishop');
      await page.getByRole('option', { name: /Peter Bishop/ }).click();
      await checkPage(page, 'emergency-identify');
      await identify.getByRole('button', { name: 'Identify', exact: true }).click();
      await identify.waitFor({ state: 'detached' });
      const identified = page.getByTestId('board-row').filter({ hasText: 'Peter Bishop' });
      await identified.waitFor();
      await expect(identified.innerText()).resolves.not.toMatch(/unidentified/i);

      await page
        .getByTestId('board-row')
        .filter({ hasText: 'Cardiac arrest' })
        .getByRole('button', { name: /^Discharge/ })
        .click();
      const discharge = page.getByRole('dialog');
      await discharge.getByRole('combobox', { name: 'Outcome' }).click();
      await page.getByRole('option', { name: 'Transferred out' }).click();
      await dismissNotifications(page);
      await checkPage(page, 'emergency-discharge');
      await discharge.getByRole('button', { name: 'Discharge', exact: true }).click();
      await discharge.waitFor({ state: 'detached' });
      await expect.poll(() => page.getByTestId('board-row').count()).toBe(1);
      const after = await api('GET', `/api/v1/admissions/${urgent.body.id}`);
      expect(after.body).toMatchObject({ status: 'discharged', dischargeDisposition: 'transferred_out' });
      await dismissNotifications(page);
      await checkPage(page, 'emergency-board-after');
    },
  );

  it('broke no Content-Security-Policy rule and threw no script error on any page', () => {
    expect(suite.pages.length).toBe(2);
    suite.expectNoPageProblems();
  });
});
