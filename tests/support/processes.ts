import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = `${ROOT}bin/medisys.js`;

/** The environment of a child MediSys: this one's, without any MEDISYS_ setting of the test runner. */
function childEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('MEDISYS_') && name !== 'DATABASE_URL' && name !== 'REDIS_URL') env[name] = value;
  }
  return {
    ...env,
    MEDISYS_SERVER_PORT: '0',
    MEDISYS_MANAGEMENT_PORT: '0',
    // Admins must use MFA by default; process tests sign in as admin with a password alone unless
    // they set this themselves.
    MEDISYS_SECURITY_MFA_REQUIRED_ROLES: '',
    ...extra,
  };
}

export interface RunningMediSys {
  readonly child: ChildProcess;
  readonly apiUrl: string;
  readonly managementUrl: string;
  output(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs `medisys ARGS` to completion (the built bin, as `npm start` and operators run it). Asynchronous,
 * so the test worker's event loop keeps running while the command does.
 */
export async function runMediSys(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: childEnvironment(options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const status = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  clearTimeout(timer);
  return { status, stdout, stderr };
}

/**
 * Starts `medisys serve` and waits until it prints where it listens (ports are chosen by the OS).
 * Rejects with the process output when it exits first or takes longer than `timeoutMs`.
 */
export async function startMediSys(options: {
  cwd: string;
  env?: Record<string, string>;
  args?: string[];
  timeoutMs?: number;
}): Promise<RunningMediSys> {
  const child = spawn(process.execPath, [BIN, 'serve', ...(options.args ?? [])], {
    cwd: options.cwd,
    env: childEnvironment({ MEDISYS_LOGGING_CONSOLE: 'false', ...(options.env ?? {}) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const urls = await new Promise<{ api: string; management: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`medisys serve did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const check = (): void => {
      const match = /serving on (https?:\/\/\S+) \(management (http:\/\/\S+?),/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ api: match[1]!, management: match[2]! });
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`medisys serve exited with ${code} before serving:\n${output}`));
    });
  });
  return {
    child,
    apiUrl: urls.api,
    managementUrl: urls.management,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** JSON request helper for tests that talk to a MediSys process over HTTP. */
export async function http(
  url: string,
  options: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, headers: response.headers };
}

/** Polls `probe` until it returns true or `timeoutMs` passes; returns whether it became true. */
export async function eventually(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return false;
}
