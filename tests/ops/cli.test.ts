import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, runMediSys, startMediSys } from '../support/processes.js';

/** The `medisys` command as an operator types it, on the embedded database of a scratch folder. */
describe('the medisys command', () => {
  let workDir: string;
  const env = { MEDISYS_SECURITY_BOOTSTRAP_ADMIN_PASSWORD: 'operator chosen passphrase' };

  beforeAll(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-cli-'));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('exits 2 naming the key and its source for an unknown key or a bad value', async () => {
    const unknownVariable = await runMediSys(['migrate'], {
      cwd: workDir,
      env: { MEDISYS_SERVER_PROT: '80' },
    });
    expect(unknownVariable.status).toBe(2);
    expect(unknownVariable.stderr).toMatch(/MEDISYS_SERVER_PROT/);

    const file = path.join(workDir, 'bad.properties');
    writeFileSync(file, 'server.port=8080\nsecurity.lockout.duration=a while\n');
    const badValue = await runMediSys(['--config', file, 'migrate'], { cwd: workDir });
    expect(badValue.status).toBe(2);
    expect(badValue.stderr).toContain(`security.lockout.duration (from ${file}:2)`);

    writeFileSync(file, 'server.prot=8080\n');
    const unknownKey = await runMediSys(['serve', '--config', file], { cwd: workDir });
    expect(unknownKey.status).toBe(2);
    expect(unknownKey.stderr).toContain(`server.prot (from ${file}:1)`);
  });

  it('exits 2 with usage for an unknown command or option', async () => {
    const unknown = await runMediSys(['frobnicate'], { cwd: workDir });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command "frobnicate"/);
    expect((await runMediSys(['users', 'create', 'x', '--colour', 'red'], { cwd: workDir })).status).toBe(2);
    expect(
      (await runMediSys(['users', 'create', 'nurse.ann', '--role', 'janitor'], { cwd: workDir, env })).status,
    ).toBe(2);
  });

  it(
    'migrates, then manages users: create, list, set-role, lock, unlock, reset-password',
    { timeout: 180_000 },
    async () => {
      expect((await runMediSys(['migrate'], { cwd: workDir, env })).status).toBe(0);
      const passwordFile = path.join(workDir, 'password');
      writeFileSync(passwordFile, 'a password from a file\n');
      const created = await runMediSys(
        ['users', 'create', 'dr.grey', '--role', 'doctor', '--password-file', passwordFile],
        { cwd: workDir, env },
      );
      expect(created.stderr).toBe('');
      expect(created.status).toBe(0);
      const generated = await runMediSys(['users', 'create', 'nurse.ann', '--role', 'staff'], {
        cwd: workDir,
        env,
      });
      expect(generated.stdout).toMatch(/Temporary password \(must be changed at first sign-in\): \S{20,}/);

      expect(
        (await runMediSys(['users', 'set-role', 'dr.grey', 'department_head'], { cwd: workDir, env })).status,
      ).toBe(0);
      expect((await runMediSys(['users', 'lock', 'nurse.ann'], { cwd: workDir, env })).status).toBe(0);
      const listed = await runMediSys(['users', 'list', '--format', 'json'], { cwd: workDir, env });
      const users = JSON.parse(listed.stdout) as { username: string; role: string; locked: boolean }[];
      expect(users.find((user) => user.username === 'dr.grey')?.role).toBe('department_head');
      expect(users.find((user) => user.username === 'nurse.ann')?.locked).toBe(true);
      expect((await runMediSys(['users', 'unlock', 'nurse.ann'], { cwd: workDir, env })).status).toBe(0);
      const reset = await runMediSys(['users', 'reset-password', 'dr.grey'], { cwd: workDir, env });
      const temporary = /: (\S+)$/m.exec(reset.stdout)?.[1];
      expect(temporary).toBeDefined();
      const missing = await runMediSys(['users', 'lock', 'nobody'], { cwd: workDir, env });
      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain('There is no user named nobody');

      const server = await startMediSys({ cwd: workDir, env });
      try {
        const login = await http(`${server.apiUrl}/api/v1/auth/login`, {
          body: { username: 'dr.grey', password: temporary },
        });
        expect(login.status).toBe(200);
        expect(login.body.user).toMatchObject({ role: 'department_head', mustChangePassword: true });
        const health = await runMediSys(['health'], {
          cwd: workDir,
          env: { MEDISYS_MANAGEMENT_URL: server.managementUrl },
        });
        expect(health.status).toBe(0);
        expect(health.stdout).toMatch(/UP\n\s+db: UP/);
      } finally {
        expect(await server.stop()).toBe(0);
      }
      const unreachable = await runMediSys(['health'], {
        cwd: workDir,
        env: { MEDISYS_MANAGEMENT_URL: 'http://127.0.0.1:9' },
      });
      expect(unreachable.status).toBe(1);
      expect(unreachable.stderr).toMatch(/did not answer/);
    },
  );
});
