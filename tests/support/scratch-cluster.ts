import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

/** The PostgreSQL server binaries (initdb, pg_ctl) of the newest installed major version. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions
    .map((version) => path.join(root, version, 'bin'))
    .find((dir) => existsSync(path.join(dir, 'initdb')));
  if (!found) throw new Error('initdb not found under /usr/lib/postgresql: run scripts/setup.sh');
  return found;
}

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

export interface ScratchCluster {
  readonly port: number;
  readonly dataDir: string;
  url(database?: string): string;
  start(): void;
  stop(mode?: 'fast' | 'immediate'): void;
  /** Like start and stop, without blocking the test's event loop (for faults injected mid-load). */
  startAsync(): Promise<void>;
  stopAsync(mode?: 'fast' | 'immediate'): Promise<void>;
  destroy(): void;
}

const asRoot = userInfo().uid === 0;

/** [file, args] of a PostgreSQL tool, run as `postgres` when we are root (PostgreSQL refuses root). */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function runSync(command: string, args: string[]): void {
  const [file, fullArgs] = asPostgres(command, args);
  execFileSync(file, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

export function runAsync(command: string, args: string[]): Promise<void> {
  const [file, fullArgs] = asPostgres(command, args);
  return new Promise((resolve, reject) => {
    execFile(file, fullArgs, { timeout: 60_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${command} failed: ${error.message}\n${stderr}`)) : resolve(),
    );
  });
}

export function scratchFolder(prefix: string): string {
  const base = mkdtempSync(path.join(tmpdir(), prefix));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(base, uid, gid);
  }
  return base;
}

/** pg_ctl start/stop of the cluster in `dataDir`, serving on `port`, with its socket and log in `base`. */
export function clusterControl(base: string, dataDir: string, port: number): ScratchCluster {
  const pgCtl = path.join(postgresBinDir(), 'pg_ctl');
  const logFile = path.join(base, 'postgresql.log');
  const startArgs = [
    '-D',
    dataDir,
    '-l',
    logFile,
    '-w',
    '-o',
    `-p ${port} -c listen_addresses=127.0.0.1 -k ${base} -c fsync=off`,
    'start',
  ];
  const stopArgs = (mode: string): string[] => ['-D', dataDir, '-m', mode, '-w', 'stop'];
  const cluster: ScratchCluster = {
    port,
    dataDir,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start: () => runSync(pgCtl, startArgs),
    stop: (mode = 'fast') => runSync(pgCtl, stopArgs(mode)),
    startAsync: () => runAsync(pgCtl, startArgs),
    stopAsync: (mode = 'fast') => runAsync(pgCtl, stopArgs(mode)),
    destroy(): void {
      try {
        cluster.stop('immediate');
      } catch {
        // already stopped
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
  return cluster;
}

/**
 * A PostgreSQL cluster of its own (initdb on a free port), for tests that stop, crash or recover the
 * server without touching the machine's shared one. As root, it runs as the `postgres` user, since
 * PostgreSQL refuses to run as root.
 */
export async function createScratchCluster(): Promise<ScratchCluster> {
  const port = await freePort();
  const base = scratchFolder('medisys-cluster-');
  const dataDir = path.join(base, 'data');
  runSync(path.join(postgresBinDir(), 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '-A',
    'trust',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  const cluster = clusterControl(base, dataDir, port);
  cluster.start();
  return cluster;
}

/**
 * A hot standby of `primary`, streaming from it: `pg_basebackup -R` into a data folder of its own,
 * started on a free port. initdb's default pg_hba.conf already lets local replication connections in.
 */
export async function createStreamingReplica(primary: ScratchCluster): Promise<ScratchCluster> {
  const port = await freePort();
  const base = scratchFolder('medisys-replica-');
  const dataDir = path.join(base, 'data');
  const basebackup = runAsync(path.join(postgresBinDir(), 'pg_basebackup'), [
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'postgres',
    '-D',
    dataDir,
    '-R',
    '-X',
    'stream',
    // An immediate checkpoint: the default spread one can take minutes on an idle cluster.
    '--checkpoint=fast',
    '--no-sync',
  ]);
  await basebackup.catch((error: unknown) => {
    rmSync(base, { recursive: true, force: true });
    throw error;
  });
  const replica = clusterControl(base, dataDir, port);
  await replica.startAsync();
  return replica;
}
