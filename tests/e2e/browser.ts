import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { servicesRequired } from '../support/databases.js';

/** Debian's Chromium, installed by scripts/setup.sh. */
export const CHROMIUM = process.env['MEDISYS_CHROMIUM'] ?? '/usr/bin/chromium';
export const OUTPUT_DIR = fileURLToPath(new URL('output/', import.meta.url));

/**
 * Whether the browser suite can run here. Without Chromium it is skipped on a developer's machine
 * and fails under MEDISYS_REQUIRE_SERVICES=1 (CI), where the setup script installs it.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (servicesRequired) {
    throw new Error(
      `MEDISYS_REQUIRE_SERVICES=1 but ${CHROMIUM} is missing: run scripts/setup.sh (apt-get install chromium).`,
    );
  }
  return false;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in CI containers cannot use Chromium's sandbox; the pages are our own.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/** What went wrong in a page that a test did not look at: CSP refusals, script errors, failed requests. */
export interface PageProblems {
  readonly cspViolations: string[];
  readonly scriptErrors: string[];
}

/** A context (its own cookies: one signed-in user) whose pages report CSP violations and errors. */
export async function newUserContext(
  browser: Browser,
  baseURL: string,
  viewport = { width: 1280, height: 860 },
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ baseURL, viewport, locale: 'en-GB', timezoneId: 'UTC' });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const problems: PageProblems = { cspViolations: [], scriptErrors: [] };
  page.on('console', (message) => {
    const text = message.text();
    if (/Content.Security.Policy/i.test(text)) problems.cspViolations.push(text);
  });
  page.on('pageerror', (error) => problems.scriptErrors.push(error.message));
  return { context, page, problems };
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: string[];
}

/**
 * axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A/AA rules). The
 * script is evaluated through the DevTools protocol: a <script> tag would be refused by the CSP.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // Expressions as text: they run in the page, whose globals (window, axe) this program does not type.
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(`
    window.axe
      .run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
        resultTypes: ['violations'],
      })
      .then((result) =>
        result.violations.map((violation) => ({
          id: violation.id,
          impact: violation.impact,
          help: violation.help,
          nodes: violation.nodes.slice(0, 5).map((node) => node.target.join(' ') + ': ' + node.failureSummary),
        })),
      )
  `);
  return (violations as AxeViolation[]).filter(
    (violation) => violation.impact === 'serious' || violation.impact === 'critical',
  );
}

/** Saves a screenshot of what the window shows as tests/e2e/output/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = path.join(OUTPUT_DIR, `${name}.png`);
  // The viewport, not the full page: a sticky header would be painted into the middle of a long page.
  await page.screenshot({ path: file, animations: 'disabled' });
  return file;
}
