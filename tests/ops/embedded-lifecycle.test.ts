import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startMediSys, type RunningMediSys } from '../support/processes.js';

/** Bounds a hang only: start-up time is not asserted (the suite runs beside other tests on two cores). */
const START_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 3 * START_TIMEOUT_MS;

/**
 * A newcomer's first run: `medisys serve` (what `npm start` runs) on the embedded database in an empty
 * folder, then what a crash, a second process and a SIGTERM do to it.
 */
describe('medisys serve on the embedded database', { timeout: TEST_TIMEOUT_MS }, () => {
  let workDir: string;
  let server: RunningMediSys | undefined;
  let token = '';
  const newPassword = 'a new passphrase for the ward';

  beforeAll(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-embedded-'));
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  });

  it('serves on a fresh folder; the bootstrap admin signs in, registers John Smith and finds him', async () => {
    server = await startMediSys({ cwd: workDir, timeoutMs: START_TIMEOUT_MS });
    expect((await http(`${server.apiUrl}/api/health`)).body).toEqual({ status: 'UP' });

    const passwordFile = path.join(workDir, 'data', 'initial-admin-password');
    expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
    const generated = readFileSync(passwordFile, 'utf8').trim();
    expect(server.output()).toContain(generated);

    const login = await http(`${server.apiUrl}/api/v1/auth/login`, {
      body: { username: 'admin', password: generated },
    });
    expect(login.status).toBe(200);
    expect(login.body.user.mustChangePassword).toBe(true);
    const changed = await http(`${server.apiUrl}/api/v1/auth/password`, {
      token: login.body.token,
      body: { currentPassword: generated, newPassword },
    });
    expect(changed.status).toBe(204);
    token = login.body.token;

    const created = await http(`${server.apiUrl}/api/v1/patients`, {
      token,
      body: { name: 'John Smith', dateOfBirth: '1980-04-12' },
    });
    expect(created.status).toBe(201);
    const found = await http(`${server.apiUrl}/api/v1/patients?q=john`, { token });
    expect(found.body.items.map((patient: { name: string }) => patient.name)).toEqual(['John Smith']);
  });

  // A process that waited for the lock instead would end in startMediSys's own timeout, whose message
  // does not match.
  it('refuses a second process on the same data folder, exiting with a clear message', async () => {
    const second = startMediSys({ cwd: workDir, timeoutMs: START_TIMEOUT_MS });
    await expect(second).rejects.toThrow(/in use by another MediSys process \(pid \d+\)/);
    expect((await http(`${server!.apiUrl}/api/health`)).status).toBe(200);
  });

  it('keeps every committed record across a kill -9', async () => {
    const names = ['Kill Nine One', 'Kill Nine Two', 'Kill Nine Three'];
    for (const name of names) {
      expect(
        (
          await http(`${server!.apiUrl}/api/v1/patients`, {
            token,
            body: { name, dateOfBirth: '1999-09-09' },
          })
        ).status,
      ).toBe(201);
    }
    expect(await server!.stop('SIGKILL')).toBeNull();
    server = await startMediSys({ cwd: workDir, timeoutMs: START_TIMEOUT_MS });
    const login = await http(`${server.apiUrl}/api/v1/auth/login`, {
      body: { username: 'admin', password: newPassword },
    });
    expect(login.status).toBe(200);
    token = login.body.token;
    const found = await http(`${server.apiUrl}/api/v1/patients?q=kill%20nine`, { token });
    expect(found.body.items.map((patient: { name: string }) => patient.name).sort()).toEqual(
      [...names].sort(),
    );
    expect((await http(`${server.apiUrl}/api/v1/patients?q=john`, { token })).body.total).toBe(1);
  });

  it('stops on SIGTERM with exit code 0 and releases the data folder', async () => {
    expect(await server!.stop('SIGTERM')).toBe(0);
    server = await startMediSys({ cwd: workDir, timeoutMs: START_TIMEOUT_MS });
    expect((await http(`${server.apiUrl}/api/health`)).status).toBe(200);
    expect(await server.stop('SIGTERM')).toBe(0);
    server = undefined;
  });
});
