import pg from 'pg';
import {
  currentSize,
  finishLoad,
  loadAppointments,
  loadAuditEvents,
  loadDoctors,
  loadPatients,
  loadUsers,
  type DatasetSize,
} from './dataset.js';
import { log } from './progress.js';
import { run } from './processes.js';
import { ensureBenchKeyFile } from './key-file.js';

export function datasetFor(patients: number, quick: boolean): DatasetSize {
  return quick
    ? { patients, doctors: 100, appointments: 200_000, auditEvents: 500_000, users: 500 }
    : { patients, doctors: 1_000, appointments: 5_000_000, auditEvents: 10_000_000, users: 10_000 };
}

/** Patient counts at which the search-time curve is measured, ending at the full size. */
export function curvePoints(patients: number, quick: boolean): number[] {
  const points = (quick ? [10_000] : [100_000, 1_000_000]).filter((point) => point < patients);
  return [...points, patients];
}

/** Creates (or with `reload` recreates) the bench database and applies MediSys's migrations to it. */
export async function prepareDatabase(databaseUrl: string, reload: boolean): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^medisys_bench[a-z0-9_]*$/.test(name)) {
    throw new Error(
      `The bench database must be named medisys_bench… (got "${name}"), so it is never the tests' or production's.`,
    );
  }
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    if (reload) {
      log(`dropping ${name}`);
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    }
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      log(`creating database ${name}`);
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    }
  } finally {
    await admin.end();
  }
  await run(process.execPath, ['bin/medisys.js', 'migrate'], {
    MEDISYS_DATASOURCE_URL: databaseUrl,
    MEDISYS_SECURITY_ENCRYPTION_KEY_FILE: ensureBenchKeyFile(),
  });
}

/**
 * Loads what is missing of `size`, calling `atPatients` after each step of the patient load (for the
 * search curve). A load that already holds this size is reused.
 */
export async function loadDataset(
  databaseUrl: string,
  size: DatasetSize,
  points: readonly number[],
  atPatients: (patients: number) => Promise<void>,
): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const existing = await currentSize(client);
    const complete =
      existing !== undefined &&
      existing.patients === size.patients &&
      existing.appointments >= size.appointments &&
      existing.auditEvents >= size.auditEvents &&
      existing.users >= size.users;
    if (complete) {
      log(
        `reusing the loaded dataset (${size.patients.toLocaleString('en-US')} patients; --reload to load again)`,
      );
      await atPatients(size.patients);
      return;
    }
    if (existing !== undefined) {
      // A finished load of another size: extending it would mix two generators' numbering.
      throw new Error(
        `the bench database holds a load of another size (${existing.patients.toLocaleString('en-US')} patients, ${existing.doctors.toLocaleString('en-US')} doctors): run again with --reload to load ${size.patients.toLocaleString('en-US')} patients afresh`,
      );
    }
    const started = Date.now();
    await loadUsers(client, size.users);
    await loadDoctors(client, size.doctors);
    for (const point of points) {
      await loadPatients(client, point);
      await atPatients(point);
    }
    await loadAppointments(client, size.appointments);
    await loadAuditEvents(client, size.auditEvents);
    log('  VACUUM ANALYZE');
    await finishLoad(client, size);
    log(`dataset loaded in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    await client.end();
  }
}
