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

  it('security-scan.sh passes against MediSys, and fails against something that is not it', () => {
    const result = script('security-scan.sh', { MEDISYS_URL: server.apiUrl });
    expect(result.stdout).not.toContain('FAIL');
    expect(result.status).toBe(0);
    const management = script('security-scan.sh', { MEDISYS_URL: server.managementUrl });
    expect(management.status).toBe(1);
    expect(script('security-scan.sh', { MEDISYS_URL: dead }).status).toBe(1);
  });
});
