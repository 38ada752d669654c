import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { servicesRequired } from './databases.js';
import { eventually } from './processes.js';
import { freePort } from './scratch-cluster.js';

/** The machine's Redis for tests (CI starts one on 6379); tests keep to their own key prefix or DB. */
export const REDIS_TEST_URL = process.env['MEDISYS_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

async function ping(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function redisReachable(): Promise<boolean> {
  const reachable = await ping(REDIS_TEST_URL);
  if (!reachable && servicesRequired) {
    throw new Error(`MEDISYS_REQUIRE_SERVICES=1 but Redis at ${REDIS_TEST_URL} is unreachable`);
  }
  return reachable;
}

/** Whether tests against the machine's Redis run here (required, and failing when absent, in CI). */
export const REDIS_AVAILABLE = await redisReachable();

function onPath(command: string): boolean {
  return (process.env['PATH'] ?? '')
    .split(path.delimiter)
    .some((dir) => dir !== '' && existsSync(path.join(dir, command)));
}

/**
 * Whether tests that run private Redis servers (killed mid-test, clusters) can run here: they need
 * redis-server and redis-cli, which CI installs (a missing one fails there instead of skipping).
 */
export const REDIS_SERVER_AVAILABLE = ((): boolean => {
  const present = onPath('redis-server') && onPath('redis-cli');
  if (!present && servicesRequired) {
    throw new Error('MEDISYS_REQUIRE_SERVICES=1 but redis-server or redis-cli is not installed');
  }
  return present;
})();

/** Runs `command args`, resolving with its output; rejects on a non-zero exit or after `timeoutMs`. */
async function run(command: string, args: string[], timeoutMs = 30_000): Promise<string> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`);
  return output;
}

/** A private redis-server on a free port, in its own temp folder. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly address: string;
  /** The server's process id while it runs. */
  pid(): number | undefined;
  /** Starts it (again) on the same port; resolves once it answers PING. */
  start(): Promise<void>;
  /** Stops it by its PID (SIGKILL by default: a crash) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

/**
 * Starts a private redis-server. `persistent` keeps its data across a kill and restart (AOF, fsync on
 * every write), as a production Redis with persistence does; otherwise it comes back empty.
 */
export async function startRedisServer(
  options: { cluster?: boolean; port?: number; persistent?: boolean } = {},
): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(path.join(tmpdir(), 'medisys-redis-'));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    ...(options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    '--dir',
    dir,
    ...(options.cluster
      ? ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '3000']
      : []),
  ];
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    address: `127.0.0.1:${port}`,
    pid: () => (child && child.exitCode === null && child.signalCode === null ? child.pid : undefined),
    async start(): Promise<void> {
      if (server.pid() !== undefined) return;
      const started = spawn('redis-server', args, { stdio: 'ignore' });
      child = started;
      exited = new Promise((resolve) => started.once('exit', () => resolve()));
      if (!(await eventually(() => ping(server.url), 10_000))) {
        started.kill('SIGKILL');
        throw new Error(`redis-server on port ${port} did not answer PING within 10 s`);
      }
    },
    async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
      const pid = server.pid();
      if (pid !== undefined) process.kill(pid, signal);
      await exited;
    },
    async destroy(): Promise<void> {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** Three cluster-enabled redis-servers joined by `redis-cli --cluster create` (three masters, no replicas). */
export interface RedisClusterOfThree {
  readonly nodes: readonly RedisServer[];
  /** `redis.cluster.nodes` for MediSys: every node as host:port, comma-separated. */
  readonly seeds: string;
  destroy(): Promise<void>;
}

export async function startRedisCluster(): Promise<RedisClusterOfThree> {
  const nodes: RedisServer[] = [];
  try {
    for (let index = 0; index < 3; index++) nodes.push(await startRedisServer({ cluster: true }));
    await run('redis-cli', [
      '--cluster',
      'create',
      ...nodes.map((node) => node.address),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    const ok = await eventually(async () => {
      for (const node of nodes) {
        const info = await run('redis-cli', ['-p', String(node.port), 'cluster', 'info'], 5000);
        if (!/cluster_state:ok/.test(info)) return false;
      }
      return true;
    }, 20_000);
    if (!ok) throw new Error('the Redis Cluster did not reach cluster_state:ok within 20 s');
  } catch (error) {
    await Promise.all(nodes.map((node) => node.destroy()));
    throw error;
  }
  return {
    nodes,
    seeds: nodes.map((node) => node.address).join(','),
    async destroy(): Promise<void> {
      await Promise.all(nodes.map((node) => node.destroy()));
    },
  };
}

/** The value of one exact sample (`name{label="v",...}`) of an instance's /actuator/prometheus; NaN when absent. */
export async function prometheusSample(
  management: { inject(options: { method: 'GET'; url: string }): Promise<{ body: string }> },
  sample: string,
): Promise<number> {
  const text = (await management.inject({ method: 'GET', url: '/actuator/prometheus' })).body;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${sample} `)) return Number(line.slice(sample.length + 1));
  }
  return NaN;
}
