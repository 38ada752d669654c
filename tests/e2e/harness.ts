import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { http, startMediSys, type RunningMediSys } from '../support/processes.js';
import { launchBrowser, newUserContext, screenshot, type PageProblems } from './browser.js';
import { apiCall } from './support.js';

export interface BrowserSuiteOptions {
  /**
   * Names the suite's throwaway folder (`medisys-e2e-<name>-…`) and the screenshots of its pages when
   * a test fails (`failed-<name>-<page>.png`).
   */
  readonly name?: string;
  /** The bootstrap administrator's password. */
  readonly adminPassword: string;
  /** More environment for `medisys serve`. */
  readonly env?: Record<string, string>;
  /** Signs the administrator in through the API once the server is up (not where MFA enrolment comes first). */
  readonly signInAdmin?: boolean;
  readonly startTimeoutMs?: number;
}

/** A page a test opened, with what went wrong in it that the test did not look at. */
export interface OpenPage {
  readonly name: string;
  readonly page: Page;
  readonly problems: PageProblems;
}

export interface BrowserSuite {
  readonly baseUrl: string;
  readonly browser: Browser;
  /** The administrator's API token (after signInAdmin). */
  readonly adminToken: string;
  readonly pages: readonly OpenPage[];
  /** A page in a context of its own (one signed-in user), watched for CSP violations and script errors. */
  readonly userPage: (name: string, viewport?: { width: number; height: number }) => Promise<Page>;
  /** A JSON call as the administrator. */
  readonly api: (
    method: string,
    pathName: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<{ status: number; body: any; headers: Headers }>;
  /** POSTs as the administrator, expects 201 and returns what was created. */
  readonly created: (pathName: string, body: unknown) => Promise<any>;
  readonly createUser: (username: string, password: string, role: string) => Promise<any>;
  /** Signs the administrator in through the API; `totp` once MFA is on. */
  readonly signInAdmin: (totp?: string) => Promise<void>;
  /** Keeps the administrator's API session in use, so that it outlives a short idle timeout. */
  readonly keepAdminSessionAlive: () => void;
  /** No page broke the Content-Security-Policy or threw a script error. */
  readonly expectNoPageProblems: () => void;
}

/**
 * The shared set-up of a browser suite, registered in the enclosing describe: a real `medisys serve`
 * (embedded database, in a throwaway folder) and Chromium started before the tests and stopped after
 * them, and a screenshot of every open page when a test fails. The suite's own beforeAll hooks,
 * registered after this call, run once the server is up.
 */
export function useBrowserSuite(options: BrowserSuiteOptions): BrowserSuite {
  const prefix = options.name ? `${options.name}-` : '';
  let workDir: string | undefined;
  let server: RunningMediSys | undefined;
  let browser: Browser | undefined;
  let baseUrl = '';
  let adminToken = '';
  let keepAlive: NodeJS.Timeout | undefined;
  const pages: OpenPage[] = [];

  const suite: BrowserSuite = {
    get baseUrl() {
      return baseUrl;
    },
    get browser() {
      if (!browser) throw new Error('The browser has not started.');
      return browser;
    },
    get adminToken() {
      return adminToken;
    },
    pages,
    async userPage(name, viewport) {
      const { page, problems } = await newUserContext(suite.browser, baseUrl, viewport);
      pages.push({ name, page, problems });
      return page;
    },
    api(method, pathName, body, headers) {
      return apiCall(baseUrl, adminToken, method, pathName, body, headers);
    },
    async created(pathName, body) {
      const response = await apiCall(baseUrl, adminToken, 'POST', pathName, body);
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body;
    },
    createUser(username, password, role) {
      return suite.created('/api/v1/users', { username, password, role });
    },
    async signInAdmin(totp) {
      const login = await http(`${baseUrl}/api/v1/auth/login`, {
        body: { username: 'admin', password: options.adminPassword, ...(totp ? { totp } : {}) },
      });
      expect(login.status).toBe(200);
      adminToken = login.body.token;
    },
    keepAdminSessionAlive() {
      clearInterval(keepAlive);
      keepAlive = setInterval(
        () => void http(`${baseUrl}/api/v1/auth/me`, { token: adminToken }).catch(() => undefined),
        10_000,
      );
    },
    expectNoPageProblems() {
      for (const { name, problems } of pages) {
        expect(problems.cspViolations, name).toEqual([]);
        expect(problems.scriptErrors, name).toEqual([]);
      }
    },
  };

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), `medisys-e2e-${prefix}`));
    [server, browser] = await Promise.all([
      startMediSys({
        cwd: workDir,
        timeoutMs: 90_000,
        env: { MEDISYS_SECURITY_BOOTSTRAP_ADMIN_PASSWORD: options.adminPassword, ...options.env },
      }),
      launchBrowser(),
    ]);
    baseUrl = server.apiUrl;
    if (options.signInAdmin) await suite.signInAdmin();
  }, options.startTimeoutMs);

  // What each open page showed when a test failed, for whoever reads the CI output.
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    for (const { name, page } of pages) {
      if (!page.isClosed()) await screenshot(page, `failed-${prefix}${name}`).catch(() => undefined);
    }
  });

  afterAll(async () => {
    clearInterval(keepAlive);
    await browser?.close();
    await server?.stop('SIGTERM');
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  return suite;
}
