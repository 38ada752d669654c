import { spawn, type ChildProcess } from 'node:child_process';

/** A child process whose failure is reported with the tail of what it printed on stderr. */
export interface Tool {
  readonly child: ChildProcess;
  /** Resolves when the process exits 0 (or another accepted code); rejects with a message naming the tool and its error output. */
  readonly done: Promise<void>;
}

export function runTool(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stdin: 'pipe' | 'ignore' = 'pipe',
  /** Exit codes that count as success (GNU tar exits 1 when a file changed while it was read). */
  acceptedExitCodes: readonly number[] = [0],
): Tool {
  const child = spawn(command, args, { env, stdio: [stdin, 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'ENOENT'
            ? `${command} is not installed. Run scripts/setup.sh (or install it from your distribution).`
            : `${command} failed to start: ${error.message}`,
        ),
      ),
    );
    child.once('close', (code, signal) => {
      if (code !== null && acceptedExitCodes.includes(code)) resolve();
      else
        reject(
          new Error(
            `${command} failed (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' / ')}`,
          ),
        );
    });
  });
  return { child, done };
}

/** libpq environment for a postgres:// URL, so passwords never appear on a command line. */
export function libpqEnvironment(url: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const parsed = new URL(url);
  const env: NodeJS.ProcessEnv = { ...base };
  env['PGHOST'] = decodeURIComponent(parsed.hostname) || 'localhost';
  env['PGPORT'] = parsed.port || '5432';
  env['PGDATABASE'] = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
  if (parsed.username) env['PGUSER'] = decodeURIComponent(parsed.username);
  if (parsed.password) env['PGPASSWORD'] = decodeURIComponent(parsed.password);
  const sslmode = parsed.searchParams.get('sslmode');
  if (sslmode) env['PGSSLMODE'] = sslmode;
  return env;
}

/** The same server as `url`, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
