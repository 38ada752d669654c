import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, runMediSys, startMediSys } from '../support/processes.js';

describe('medisys seed demo', () => {
  let workDir: string;
  const env = { MEDISYS_SECURITY_BOOTSTRAP_ADMIN_PASSWORD: 'demo seed passphrase' };

  beforeAll(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-seed-'));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('loads a demonstration hospital only when asked, says so loudly, and refuses to load it twice', async () => {
    const first = await startMediSys({ cwd: workDir, env });
    expect(await first.stop(), first.output()).toBe(0);

    const seeded = await runMediSys(['seed', 'demo'], { cwd: workDir, env });
    expect(seeded.stderr).toBe('');
    expect(seeded.status).toBe(0);
    expect(seeded.stdout).toContain('DEMO DATA LOADED');
    const password = /password for all, shown once\): (\S+)/.exec(seeded.stdout)?.[1];
    expect(password).toBeDefined();
    expect((await runMediSys(['seed', 'demo'], { cwd: workDir, env })).status).toBe(1);

    const server = await startMediSys({ cwd: workDir, env });
    try {
      const login = await http(`${server.apiUrl}/api/v1/auth/login`, {
        body: { username: 'demo.staff', password },
      });
      expect(login.status).toBe(200);
      const token = login.body.token as string;
      expect((await http(`${server.apiUrl}/api/v1/patients?limit=1`, { token })).body.total).toBe(61);
      expect((await http(`${server.apiUrl}/api/v1/doctors?limit=1`, { token })).body.total).toBe(10);
      expect(
        (await http(`${server.apiUrl}/api/v1/appointments?limit=1`, { token })).body.total,
      ).toBeGreaterThan(20);
      const board = await http(`${server.apiUrl}/api/v1/admissions/board`, { token });
      expect(
        board.body.items.map((item: { triagePriority: number }) => item.triagePriority).slice(0, 3),
      ).toEqual([1, 2, 2]);
    } finally {
      await server.stop();
    }
  });
});
