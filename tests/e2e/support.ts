import { expect } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import type { Locator, Page } from 'playwright-core';
import { http } from '../support/processes.js';
import { screenshot, seriousAccessibilityViolations } from './browser.js';

/**
 * Authenticator codes for one secret, never the same 30-second step twice (the server refuses a
 * replayed step): the next unused step within the server's one-step window, waiting when needed.
 */
export class Authenticator {
  private lastStep = -1;

  constructor(readonly secret: string) {}

  async code(): Promise<string> {
    for (;;) {
      const now = Date.now();
      const step = Math.floor(now / 30_000);
      const next = Math.max(step, this.lastStep + 1);
      // The server accepts the current step and the one either side of it.
      if (next <= step + 1) {
        this.lastStep = next;
        return TOTP.generate({ secret: Secret.fromBase32(this.secret), timestamp: next * 30_000 + 1_000 });
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/**
 * The field labelled exactly `label`; Mantine appends " *" to the label of a required field, which
 * Playwright counts as label text (it is aria-hidden, so screen readers do not).
 */
export function field(scope: Page | Locator, label: string): Locator {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return scope.getByLabel(new RegExp(`^${escaped}( \\*)?$`));
}

/** Signs in through the sign-in page; with `authenticator`, answers the MFA step too. */
export async function signIn(
  page: Page,
  username: string,
  password: string,
  authenticator?: Authenticator,
): Promise<void> {
  await page.goto('/sign-in');
  await field(page, 'Username').fill(username);
  await field(page, 'Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (authenticator) {
    await field(page, 'Authentication code').fill(await authenticator.code());
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
  }
}

/** The page passes axe (no serious or critical violation) and is saved as a screenshot. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  // A menu that was just used is still fading out (half-transparent, its items inert): axe would judge
  // that passing state. Wait for it to go, as a user would.
  await page
    .locator('[role="menu"]')
    .first()
    .waitFor({ state: 'detached', timeout: 3000 })
    .catch(() => undefined);
  const violations = await seriousAccessibilityViolations(page);
  expect(violations, `${name}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
  await screenshot(page, name);
}

/** The names of the main navigation's links. */
export async function navigationLinks(page: Page): Promise<string[]> {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts();
}

/** A JSON call as a signed-in API client (bearer token), for setting up what the browser then uses. */
export async function apiCall(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  return http(`${baseUrl}${path}`, { method, token, ...(body === undefined ? {} : { body }), headers });
}

/** The smallest file the server detects as a PDF from its content. */
export function minimalPdf(text: string): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );
}
