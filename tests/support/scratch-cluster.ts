import { execFileSync } from 'node:child_process';
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
  destroy(): void;
}

/**
 * A PostgreSQL cluster of its own (initdb on a free port), for tests that stop, crash or recover the
 * server without touching the machine's shared one. As root, it runs as the `postgres` user, since
 * PostgreSQL refuses to run as root.
 */
export async function createScratchCluster(): Promise<ScratchCluster> {
  const bin = postgresBinDir();
  const port = await freePort();
  const base = mkdtempSync(path.join(tmpdir(), 'medisys-cluster-'));
  const dataDir = path.join(base, 'data');
  const logFile = path.join(base, 'postgresql.log');
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(base, uid, gid);
  }
  const run = (command: string, args: string[]): void => {
    const [file, fullArgs] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
      : [command, args];
    execFileSync(file, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  };
  run(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const cluster: ScratchCluster = {
    port,
    dataDir,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start(): void {
      run(path.join(bin, 'pg_ctl'), [
        '-D',
        dataDir,
        '-l',
        logFile,
        '-w',
        '-o',
        `-p ${port} -c listen_addresses=127.0.0.1 -k ${base} -c fsync=off`,
        'start',
      ]);
    },
    stop(mode = 'fast'): void {
      run(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', mode, '-w', 'stop']);
    },
    destroy(): void {
      try {
        cluster.stop('immediate');
      } catch {
        // already stopped
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}
