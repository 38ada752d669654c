import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { http, runMediSys } from './processes.js';

/**
 * Helpers for ops tests that run several MediSys processes on one database: a signed-in user who needs
 * no MFA enrolment and no password change (a `staff` account created the operators' way), and metrics.
 */

export const STAFF_PASSWORD = 'fleet test staff passphrase 7';

/** `medisys users create NAME --role ROLE --password-file F` on the database of `env` (password STAFF_PASSWORD). */
export async function createStaffUser(
  workDir: string,
  env: Record<string, string>,
  username = 'clerk',
  role: 'staff' | 'finance' | 'doctor' = 'staff',
): Promise<void> {
  const passwordFile = path.join(workDir, `${username}.password`);
  writeFileSync(passwordFile, `${STAFF_PASSWORD}\n`, { mode: 0o600 });
  const created = await runMediSys(
    ['users', 'create', username, '--role', role, '--password-file', passwordFile],
    { cwd: workDir, env },
  );
  if (created.status !== 0) throw new Error(`users create failed:\n${created.stdout}${created.stderr}`);
}

/** Signs in through `apiUrl` and returns the bearer token. */
export async function signIn(apiUrl: string, username = 'clerk', password = STAFF_PASSWORD): Promise<string> {
  const login = await http(`${apiUrl}/api/v1/auth/login`, { body: { username, password } });
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${JSON.stringify(login.body)}`);
  return login.body.token as string;
}

/** The value of one Prometheus sample (`name{labels} value`) from /actuator/prometheus, or undefined. */
export async function metricValue(managementUrl: string, sample: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`${managementUrl}/actuator/prometheus`)).text();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^(\S+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match && sample.test(match[1]!)) return Number(match[2]);
  }
  return undefined;
}

/** One logical patient registration sent by `writePatientsUntil`, and how it ended. */
export interface WriteOutcome {
  readonly name: string;
  /** The final status, or 0 when the last attempt got no HTTP answer at all. */
  readonly status: number;
  readonly id: string | undefined;
  readonly attempts: number;
  /** Every answer that was not a 2xx: statuses, retry-after values, network errors. */
  readonly problems: string[];
}

export interface WriterOptions {
  readonly writers: number;
  /** Send an Idempotency-Key (one per logical registration, the same on every retry). */
  readonly idempotencyKey: boolean;
  /** Retry a network error or a 5xx with the same request, as a careful client does. */
  readonly retry: boolean;
}

/**
 * Registers patients named `${tag} …` through `apiUrl` from `writers` concurrent loops until `until`
 * settles, and returns how each registration ended.
 */
export async function writePatientsUntil(
  apiUrl: string,
  token: string,
  tag: string,
  until: Promise<unknown>,
  options: WriterOptions,
): Promise<WriteOutcome[]> {
  let finished = false;
  // Promise.resolve: autocannon's instance is a thenable, not a Promise.
  const settled = Promise.resolve(until)
    .catch(() => undefined)
    .finally(() => (finished = true));
  const outcomes: WriteOutcome[] = [];
  let counter = 0;
  const writer = async (): Promise<void> => {
    while (!finished) {
      const name = `${tag} ${++counter}`;
      const key = randomUUID();
      const problems: string[] = [];
      let status = 0;
      let id: string | undefined;
      let attempts = 0;
      for (;;) {
        attempts++;
        try {
          const response = await http(`${apiUrl}/api/v1/patients`, {
            token,
            body: { name, dateOfBirth: '1970-01-01' },
            headers: options.idempotencyKey ? { 'idempotency-key': key } : {},
          });
          status = response.status;
          id = response.status === 201 ? (response.body.id as string) : undefined;
          if (status !== 201) problems.push(`${status} retry-after=${response.headers.get('retry-after')}`);
        } catch (error) {
          status = 0;
          problems.push((error as Error).message);
        }
        const retryable = status === 0 || status >= 500;
        if (!options.retry || !retryable || attempts >= 40) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      outcomes.push({ name, status, id, attempts, problems });
    }
  };
  await Promise.all(Array.from({ length: options.writers }, () => writer()));
  await settled;
  return outcomes;
}
