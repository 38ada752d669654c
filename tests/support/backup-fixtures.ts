import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/** A gpg home and a passphrase file of a test's own, so no test touches the operator's keyring. */
export function backupSecrets(workDir: string): { gnupgHome: string; passphraseFile: string } {
  const gnupgHome = path.join(workDir, 'gnupg');
  mkdirSync(gnupgHome, { mode: 0o700, recursive: true });
  const passphraseFile = path.join(workDir, 'backup.passphrase');
  writeFileSync(passphraseFile, 'a long backup passphrase for tests\n');
  chmodSync(passphraseFile, 0o600);
  return { gnupgHome, passphraseFile };
}

/** Runs a command to completion without blocking the test worker; `input` is written to its stdin. */
export async function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: Buffer | string; cwd?: string; shell?: boolean } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    shell: options.shell ?? false,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input ?? '');
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { status, stdout, stderr };
}

/** Runs one query and returns its rows: a pg.Client or an embedded database. */
export type RowQuery = (sql: string) => Promise<Record<string, unknown>[]>;

/**
 * What must survive a backup and restore: every public table's row count and a checksum of every
 * column of every patient (rows as text, in UTC so time stamps print alike on any server).
 */
export async function databaseFingerprint(
  query: RowQuery,
): Promise<{ rowCounts: Record<string, number>; patients: string }> {
  await query("SET TimeZone = 'UTC'");
  const tables = await query(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  const rowCounts: Record<string, number> = {};
  for (const { tablename } of tables) {
    const [row] = await query(`SELECT count(*) AS count FROM public.${tablename as string}`);
    rowCounts[tablename as string] = Number(row!['count']);
  }
  const [patients] = await query(
    "SELECT md5(string_agg(p::text, E'\\n' ORDER BY p.id)) AS sum FROM public.patients p",
  );
  return { rowCounts, patients: patients!['sum'] as string };
}

export async function postgresFingerprint(url: string): ReturnType<typeof databaseFingerprint> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await databaseFingerprint(async (sql) => (await client.query(sql)).rows);
  } finally {
    await client.end();
  }
}
