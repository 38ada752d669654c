import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process from /proc, in bytes (Linux). */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every 100 ms until stopped; returns the peak in MB. */
export function sampleRss(pid: number): { stop(): number } {
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, residentBytes(pid) ?? 0);
  }, 100);
  return {
    stop(): number {
      clearInterval(timer);
      peak = Math.max(peak, residentBytes(pid) ?? 0);
      return Math.round(peak / 1024 / 102.4) / 10;
    },
  };
}

export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startChild(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Child {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    pid: child.pid ?? 0,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}

export async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not become ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function run(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<string> {
  const child = startChild(command, args, env);
  const code = await new Promise<number | null>((resolve) => child.process.once('exit', resolve));
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${child.output()}`);
  return child.output();
}

export interface MediSysInstance {
  readonly url: string;
  readonly managementUrl: string;
  readonly child: Child;
}

/** A `medisys serve` process on the bench database, ports chosen freely. */
export async function startMediSys(env: Record<string, string>): Promise<MediSysInstance> {
  const port = await freePort();
  const managementPort = await freePort();
  const child = startChild(process.execPath, ['bin/medisys.js', 'serve'], {
    MEDISYS_SERVER_PORT: String(port),
    MEDISYS_MANAGEMENT_PORT: String(managementPort),
    MEDISYS_LOGGING_CONSOLE: 'false',
    MEDISYS_LOGGING_LEVEL: 'warn',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${url}/api/health`);
  } catch (error) {
    await child.stop('SIGKILL');
    throw new Error(`${(error as Error).message}\n${child.output()}`);
  }
  return { url, managementUrl: `http://127.0.0.1:${managementPort}`, child };
}
