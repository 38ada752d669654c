import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchPostgresDatabase, POSTGRES_AVAILABLE } from '../support/databases.js';
import {
  eventually,
  http,
  ROOT,
  runMediSys,
  startMediSys,
  type RunningMediSys,
} from '../support/processes.js';
import { freePort } from '../support/scratch-cluster.js';

/**
 * deploy/haproxy/haproxy.cfg, with its servers pointed at two local MediSys processes: a client polling
 * through HAProxy sees no failed request while one instance is stopped (SIGTERM, drained) or killed.
 */
describe.runIf(POSTGRES_AVAILABLE)('two instances behind HAProxy', () => {
  let workDir: string;
  let database: Awaited<ReturnType<typeof createScratchPostgresDatabase>>;
  let haproxy: ChildProcess;
  let frontUrl: string;
  let token: string;
  const instances: RunningMediSys[] = [];
  const env = (): Record<string, string> => ({
    MEDISYS_DATASOURCE_URL: database.url,
    MEDISYS_SECURITY_BOOTSTRAP_ADMIN_PASSWORD: 'load balanced passphrase',
    // Longer than HAProxy needs to see readiness DOWN (inter 2s x fall 2).
    MEDISYS_SERVER_SHUTDOWN_DRAIN_DELAY: '5s',
    MEDISYS_SERVER_TRUST_PROXY: '127.0.0.1',
  });

  async function startHaproxy(): Promise<void> {
    const [front, stats] = [await freePort(), await freePort()];
    const ports = instances.map((instance) => ({
      api: new URL(instance.apiUrl).port,
      management: new URL(instance.managementUrl).port,
    }));
    let config = readFileSync(path.join(ROOT, 'deploy', 'haproxy', 'haproxy.cfg'), 'utf8')
      .replace(/^\s*(log \/dev\/log.*|user haproxy|group haproxy|daemon)$/gm, '')
      .replace('bind :80', `bind 127.0.0.1:${front}`)
      .replace('bind 10.0.3.10:8404', `bind 127.0.0.1:${stats}`)
      .replace(/^\s*server app[34].*$/gm, '');
    ports.forEach((port, index) => {
      config = config.replace(
        new RegExp(`server app${index + 1} \\S+ check port 8081`),
        `server app${index + 1} 127.0.0.1:${port.api} check port ${port.management}`,
      );
    });
    const file = path.join(workDir, 'haproxy.cfg');
    writeFileSync(file, config);
    haproxy = spawn('haproxy', ['-db', '-f', file], { stdio: 'ignore' });
    frontUrl = `http://127.0.0.1:${front}`;
    expect(await eventually(async () => (await http(`${frontUrl}/api/health`)).status === 200, 10_000)).toBe(
      true,
    );
  }

  /** Polls reads through HAProxy until `during` resolves; returns the statuses that were not 200. */
  async function pollWhile(during: Promise<unknown>): Promise<{ failures: string[]; requests: number }> {
    let finished = false;
    void during.finally(() => (finished = true));
    const failures: string[] = [];
    let requests = 0;
    const worker = async (): Promise<void> => {
      while (!finished) {
        requests++;
        try {
          const response = await http(`${frontUrl}/api/v1/patients?q=smith&limit=5`, { token });
          if (response.status !== 200) failures.push(String(response.status));
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    await during;
    return { failures, requests };
  }

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-haproxy-'));
    database = await createScratchPostgresDatabase();
    expect((await runMediSys(['migrate'], { cwd: workDir, env: env() })).status).toBe(0);
    instances.push(
      await startMediSys({ cwd: workDir, env: env() }),
      await startMediSys({ cwd: workDir, env: env() }),
    );
    await startHaproxy();
    const login = await http(`${frontUrl}/api/v1/auth/login`, {
      body: { username: 'admin', password: 'load balanced passphrase' },
    });
    expect(login.status).toBe(200);
    token = login.body.token;
  });
  afterAll(async () => {
    haproxy?.kill('SIGKILL');
    await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
    await database?.drop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('keeps serving without a failed request while one instance shuts down on SIGTERM', async () => {
    const stopped = instances[0]!.stop('SIGTERM');
    const { failures, requests } = await pollWhile(stopped);
    expect(await stopped).toBe(0);
    expect(requests).toBeGreaterThan(20);
    expect(failures).toEqual([]);
  });

  it('keeps serving reads without a failed request when an instance is killed outright', async () => {
    instances[0] = await startMediSys({ cwd: workDir, env: env() });
    haproxy.kill('SIGKILL');
    await startHaproxy();
    // Both instances must be in rotation before one is killed.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const killed = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await instances[1]!.stop('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 6000));
    })();
    const { failures, requests } = await pollWhile(killed);
    expect(requests).toBeGreaterThan(20);
    expect(failures).toEqual([]);
  });
});
