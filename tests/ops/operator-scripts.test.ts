import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startMediSys, type RunningMediSys } from '../support/processes.js';

function script(
  name: string,
  env: Record<string, string>,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('bash', [path.join(ROOT, 'scripts', name)], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The operator scripts the manual names, against a running MediSys. */
describe('operator scripts', () => {
  let workDir: string;
  let server: RunningMediSys;
  const dead = 'http://127.0.0.1:9';

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-scripts-'));
    server = await startMediSys({
      cwd: workDir,
      env: { MEDISYS_SECURITY_BOOTSTRAP_ADMIN_PASSWORD: 'scripts test passphrase' },
    });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  });

  it('health-check.sh passes against a running instance and names each component', () => {
    const result = script('health-check.sh', {
      MEDISYS_URL: server.apiUrl,
      MEDISYS_MANAGEMENT_URL: server.managementUrl,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/db\s+UP/);
    expect(result.stdout).toMatch(/diskSpace\s+UP/);
  });

  it('health-check.sh fails when one of the instances is down', () => {
    const result = script('health-check.sh', {
      MEDISYS_URL: `${server.apiUrl},${dead}`,
      MEDISYS_MANAGEMENT_URL: `${server.managementUrl} ${dead}`,
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`DOWN  ${dead}/api/health`);
    expect(result.stdout).toContain(`DOWN  ${dead}/actuator/health`);
  });

  it('smoke-tests.sh signs in, registers, reads, searches, books and cancels, then cleans up after itself', async () => {
    const credentials = {
      MEDISYS_SMOKE_USERNAME: 'admin',
      MEDISYS_SMOKE_PASSWORD: 'scripts test passphrase',
    };
    const result = script('smoke-tests.sh', { MEDISYS_URL: server.apiUrl, ...credentials });
    expect(result.stdout).not.toContain('FAIL');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /PASS {2}book an appointment in a free slot\nPASS {2}cancel the appointment/,
    );
    const login = await fetch(`${server.apiUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'scripts test passphrase' }),
    });
    const token = ((await login.json()) as { token: string }).token;
    const left = await fetch(`${server.apiUrl}/api/v1/patients?q=smoke%20test`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await left.json()) as { total: number }).total).toBe(0);
    const wrong = script('smoke-tests.sh', {
      MEDISYS_URL: server.apiUrl,
      MEDISYS_SMOKE_USERNAME: 'admin',
      MEDISYS_SMOKE_PASSWORD: 'wrong',
    });
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toMatch(/FAIL {2}sign in/);
  });

  it('performance-check.sh measures the main routes against the manual targets', () => {
    const result = script('performance-check.sh', {
      MEDISYS_URL: server.apiUrl,
      MEDISYS_PERF_SECONDS: '3',
      MEDISYS_PERF_USERNAME: 'admin',
      MEDISYS_PERF_PASSWORD: 'scripts test passphrase',
    });
    expect(result.stdout).toMatch(/PASS {2}p95 [\d.]+ ms < 500 ms/);
    expect(result.stdout).toMatch(/\/api\/v1\/patients\?q=an&limit=20\s+n=\s*\d+/);
    expect(result.status).toBe(0);
    const dead = script('performance-check.sh', {
      MEDISYS_URL: 'http://127.0.0.1:9',
      MEDISYS_PERF_SECONDS: '1',
    });
    expect(dead.status).toBe(1);
    expect(dead.stdout).toMatch(/FAIL {2}error rate 100\.00%/);
  });
  // security-scan.sh (with nmap and npm audit) is tested in tests/ops/security-scripts.test.ts.
});
