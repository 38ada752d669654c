import {
  appendFileSync,
  chownSync,
  existsSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_AVAILABLE } from '../support/databases.js';
import { eventually } from '../support/processes.js';
import {
  clusterControl,
  createScratchCluster,
  freePort,
  postgresBinDir,
  runAsync,
  scratchFolder,
  type ScratchCluster,
} from '../support/scratch-cluster.js';

async function query<Row extends pg.QueryResultRow>(url: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the postmaster of `dataDir` by the PID in its postmaster.pid (fast shutdown, then immediate). */
async function stopByPid(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  if (!(await eventually(async () => !isAlive(pid), 20_000))) {
    process.kill(pid, 'SIGQUIT');
    await eventually(async () => !isAlive(pid), 10_000);
  }
}

/** Writes a file into a data folder owned by the server's user, as that user would have. */
function writeOwned(file: string, text: string, append = false): void {
  const owner = statSync(path.dirname(file));
  if (append) appendFileSync(file, text);
  else writeFileSync(file, text);
  chownSync(file, owner.uid, owner.gid);
}

/**
 * The procedure of docs/operations.md "Point-in-time recovery", on a scratch cluster of its own:
 * WAL archiving, a base backup with pg_basebackup, then a recovery to a noted time in a second data
 * folder with recovery.signal and restore_command / recovery_target_time in postgresql.auto.conf.
 */
describe.runIf(POSTGRES_AVAILABLE)('point-in-time recovery on PostgreSQL 12+', () => {
  let primary: ScratchCluster;
  let recovered: ScratchCluster | undefined;
  let archive: string;
  let recoveryBase: string;

  beforeAll(async () => {
    primary = await createScratchCluster();
    archive = scratchFolder('medisys-wal-archive-');
    recoveryBase = scratchFolder('medisys-pitr-');
  });
  afterAll(async () => {
    for (const cluster of [recovered, primary]) {
      if (!cluster) continue;
      await stopByPid(cluster.dataDir);
      cluster.destroy();
    }
    rmSync(archive, { recursive: true, force: true });
    rmSync(recoveryBase, { recursive: true, force: true });
  });

  it('keeps every row committed before the noted time and none after it', async () => {
    const url = primary.url();
    await query(url, 'ALTER SYSTEM SET archive_mode = on');
    await query(url, `ALTER SYSTEM SET archive_command = 'test ! -f ${archive}/%f && cp %p ${archive}/%f'`);
    await primary.stopAsync();
    await primary.startAsync();
    expect((await query<{ archive_mode: string }>(url, 'SHOW archive_mode'))[0]!.archive_mode).toBe('on');

    await query(url, 'CREATE TABLE readings (id serial PRIMARY KEY, phase text NOT NULL)');
    await query(url, "INSERT INTO readings (phase) SELECT 'before base backup' FROM generate_series(1, 100)");

    const dataDir = path.join(recoveryBase, 'data');
    await runAsync(path.join(postgresBinDir(), 'pg_basebackup'), [
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      '-D',
      dataDir,
      '--checkpoint=fast',
      '--no-sync',
    ]);

    await query(url, "INSERT INTO readings (phase) SELECT 'before target' FROM generate_series(1, 50)");
    const target = (await query<{ at: string }>(url, 'SELECT clock_timestamp()::text AS at'))[0]!.at;
    await query(url, "INSERT INTO readings (phase) SELECT 'after target' FROM generate_series(1, 25)");
    await query(url, "DELETE FROM readings WHERE phase = 'before base backup' AND id <= 10");
    // Close the WAL segment holding the writes after the target, and wait until it is archived:
    // recovery stops at the first commit after the target, so it must be able to read one.
    const segment = (
      await query<{ name: string }>(url, 'SELECT pg_walfile_name(pg_switch_wal()) AS name')
    )[0]!.name;
    expect(await eventually(async () => existsSync(path.join(archive, segment)), 30_000)).toBe(true);

    writeOwned(
      path.join(dataDir, 'postgresql.auto.conf'),
      [
        '',
        `restore_command = 'cp ${archive}/%f %p'`,
        `recovery_target_time = '${target}'`,
        "recovery_target_action = 'promote'",
        // The recovered server must not archive into the primary's archive.
        'archive_mode = off',
        '',
      ].join('\n'),
      true,
    );
    writeOwned(path.join(dataDir, 'recovery.signal'), '');
    recovered = clusterControl(recoveryBase, dataDir, await freePort());
    await recovered.startAsync();
    const promoted = await eventually(
      async () =>
        (await query<{ r: boolean }>(recovered!.url(), 'SELECT pg_is_in_recovery() AS r'))[0]!.r === false,
      30_000,
    );
    expect(promoted).toBe(true);

    const phases = await query<{ phase: string; count: string }>(
      recovered.url(),
      'SELECT phase, count(*) AS count FROM readings GROUP BY phase ORDER BY phase',
    );
    expect(phases).toEqual([
      { phase: 'before base backup', count: '100' },
      { phase: 'before target', count: '50' },
    ]);
    expect(existsSync(path.join(dataDir, 'recovery.signal'))).toBe(false);
    const primaryPhases = await query<{ count: string }>(url, 'SELECT count(*) AS count FROM readings');
    expect(primaryPhases[0]!.count).toBe(String(100 + 50 + 25 - 10));
  }, 90_000);
});
