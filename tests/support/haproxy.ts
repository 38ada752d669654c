import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, http, ROOT, type RunningMediSys } from './processes.js';
import { freePort } from './scratch-cluster.js';

export interface RunningHaproxy {
  readonly child: ChildProcess;
  /** The front end, where clients send their requests. */
  readonly url: string;
  /** The stats frontend (management network in production). */
  readonly statsUrl: string;
  /** How many servers of the backend are UP, read from the stats page as CSV. */
  serversUp(): Promise<number>;
  /** The backend's retried requests (wretr) and those redispatched to another server (wredis). */
  retries(): Promise<{ retried: number; redispatched: number }>;
  stop(): Promise<void>;
}

/**
 * deploy/haproxy/haproxy.cfg as shipped, with only what a test must change: listening on 127.0.0.1
 * free ports, in the foreground, logging nowhere, and its servers pointed at local MediSys processes.
 * Resolves once the stats page shows `expectedUp` servers UP.
 */
export async function startHaproxy(
  workDir: string,
  instances: RunningMediSys[],
  expectedUp = instances.length,
): Promise<RunningHaproxy> {
  const [front, stats] = [await freePort(), await freePort()];
  let config = readFileSync(path.join(ROOT, 'deploy', 'haproxy', 'haproxy.cfg'), 'utf8')
    .replace(/^\s*(log \/dev\/log.*|user haproxy|group haproxy|daemon)$/gm, '')
    .replace('bind :80', `bind 127.0.0.1:${front}`)
    .replace('bind 10.0.3.10:8404', `bind 127.0.0.1:${stats}`)
    .replace(/^\s*server app[34].*$/gm, '');
  instances.forEach((instance, index) => {
    const api = new URL(instance.apiUrl).port;
    const management = new URL(instance.managementUrl).port;
    config = config.replace(
      new RegExp(`server app${index + 1} \\S+ check port 8081`),
      `server app${index + 1} 127.0.0.1:${api} check port ${management}`,
    );
  });
  const file = path.join(workDir, `haproxy-${front}.cfg`);
  writeFileSync(file, config);
  const child = spawn('haproxy', ['-db', '-f', file], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${front}`;
  const statsUrl = `http://127.0.0.1:${stats}`;
  const statsRows = async (): Promise<string[][]> => {
    const csv = (await http(`${statsUrl}/stats;csv`)).body as string;
    return csv.split('\n').map((line) => line.split(','));
  };
  // Columns of HAProxy's CSV: 0 pxname, 1 svname, 15 wretr, 16 wredis, 17 status.
  const serversUp = async (): Promise<number> =>
    (await statsRows()).filter(
      (row) => row[0] === 'medisys_app' && row[1]?.startsWith('app') && row[17] === 'UP',
    ).length;
  const retries = async (): Promise<{ retried: number; redispatched: number }> => {
    const backend = (await statsRows()).find((row) => row[0] === 'medisys_app' && row[1] === 'BACKEND');
    return { retried: Number(backend?.[15] ?? 0), redispatched: Number(backend?.[16] ?? 0) };
  };
  if (!(await eventually(async () => (await serversUp()) === expectedUp, 15_000, 200))) {
    child.kill('SIGKILL');
    throw new Error(`HAProxy did not see ${expectedUp} instance(s) UP within 15 s`);
  }
  return {
    child,
    url,
    statsUrl,
    serversUp,
    retries,
    async stop(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
