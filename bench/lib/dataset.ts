import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import argon2 from 'argon2';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { Queryable } from '../../src/db/index.js';
import { GENESIS_HASH, rowHash, type ChainedRow } from '../../src/modules/audit/audit-chain.js';
import { findChainHead } from '../../src/modules/audit/audit-seal.repository.js';
import { sealBatch } from '../../src/modules/audit/audit-sealer.js';
import { birthDate, patientName, Random } from './names.js';
import { log, Progress } from './progress.js';

/** What the benchmark database holds; kept in `bench_dataset` so a second run can reuse a load. */
export interface DatasetSize {
  readonly patients: number;
  readonly doctors: number;
  readonly appointments: number;
  readonly auditEvents: number;
  readonly users: number;
}

export const USER_PASSWORD_VARIANTS = 32;
export const userPassword = (index: number): string =>
  `bench user passphrase ${index % USER_PASSWORD_VARIANTS}`;
export const userName = (index: number): string => `bench.user.${index}`;
const ROLES = ['staff', 'doctor', 'finance', 'department_head', 'admin'] as const;
const COPY_BATCH_ROWS = 5_000;
const SLOTS_PER_DAY = 16;

function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

async function copyRows(
  client: pg.ClientBase,
  statement: string,
  total: number,
  row: (index: number) => (string | null)[],
  progress: Progress,
): Promise<void> {
  let produced = 0;
  const source = Readable.from(
    (function* (): Generator<string> {
      while (produced < total) {
        const end = Math.min(total, produced + COPY_BATCH_ROWS);
        let chunk = '';
        for (let i = produced; i < end; i += 1) chunk += `${row(i).map(copyText).join('\t')}\n`;
        produced = end;
        progress.update(produced, total);
        yield chunk;
      }
    })(),
  );
  await pipeline(source, client.query(copyStreams.from(statement)));
}

/** Secondary indexes of a table (not those behind constraints), to drop before a bulk load. */
async function secondaryIndexes(
  client: pg.ClientBase,
  table: string,
): Promise<{ name: string; definition: string }[]> {
  const result = await client.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename = $1
        AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
    [table],
  );
  return result.rows.map((row) => ({ name: row.indexname, definition: row.indexdef }));
}

async function withIndexesRebuilt(
  client: pg.ClientBase,
  table: string,
  load: () => Promise<void>,
): Promise<void> {
  const indexes = await secondaryIndexes(client, table);
  for (const index of indexes) await client.query(`DROP INDEX ${pg.escapeIdentifier(index.name)}`);
  await load();
  log(`  rebuilding ${indexes.length} index(es) on ${table}`);
  await client.query(`SET maintenance_work_mem = '512MB'`);
  for (const index of indexes) await client.query(index.definition);
  await client.query(`ANALYZE ${pg.escapeIdentifier(table)}`);
}

export async function currentSize(client: pg.ClientBase): Promise<DatasetSize | undefined> {
  await client.query(
    `CREATE TABLE IF NOT EXISTS bench_dataset (id int PRIMARY KEY CHECK (id = 1), size jsonb NOT NULL)`,
  );
  const result = await client.query<{ size: DatasetSize }>('SELECT size FROM bench_dataset');
  return result.rows[0]?.size;
}

async function recordSize(client: pg.ClientBase, size: DatasetSize): Promise<void> {
  await client.query(
    `INSERT INTO bench_dataset (id, size) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET size = EXCLUDED.size`,
    [JSON.stringify(size)],
  );
}

async function count(client: pg.ClientBase, table: string): Promise<number> {
  const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${pg.escapeIdentifier(table)}`);
  return Number(result.rows[0]!.n);
}

export async function loadUsers(client: pg.ClientBase, total: number): Promise<void> {
  const counted = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM users WHERE username LIKE 'bench.user.%'`,
  );
  const existing = Number(counted.rows[0]!.n);
  const wanted = total - existing;
  if (wanted <= 0) return;
  log(`hashing ${USER_PASSWORD_VARIANTS} argon2id passwords for ${total.toLocaleString('en-US')} users`);
  const hashes = await Promise.all(
    Array.from({ length: USER_PASSWORD_VARIANTS }, (_unused, index) =>
      argon2.hash(userPassword(index), {
        type: argon2.argon2id,
        memoryCost: 19_456,
        timeCost: 2,
        parallelism: 1,
      }),
    ),
  );
  const offset = existing;
  await copyRows(
    client,
    'COPY users (username, display_name, role, password_hash, last_login) FROM STDIN',
    wanted,
    (i) => {
      const index = offset + i;
      const lastLogin = new Date(Date.now() - (index % 200) * 86_400_000).toISOString();
      return [
        userName(index),
        `Bench User ${index}`,
        ROLES[index % ROLES.length]!,
        hashes[index % hashes.length]!,
        lastLogin,
      ];
    },
    new Progress('users'),
  );
}

export async function loadDoctors(client: pg.ClientBase, total: number): Promise<void> {
  if ((await count(client, 'doctors')) >= total) return;
  log(`creating 20 departments and ${total.toLocaleString('en-US')} doctors with working hours`);
  await client.query(
    `INSERT INTO departments (code, name)
     SELECT 'BENCH' || g, 'Bench department ' || g FROM generate_series(1, 20) g
     ON CONFLICT (code) DO NOTHING`,
  );
  await client.query(
    `INSERT INTO doctors (name, license_number, specialization, department_id)
     SELECT 'Dr Bench ' || g, 'BENCH-LIC-' || g, (ARRAY['Cardiology','Oncology','Neurology','Paediatrics'])[1 + g % 4],
            (SELECT id FROM departments WHERE code = 'BENCH' || (1 + g % 20))
       FROM generate_series(1, $1::int) g`,
    [total],
  );
  await client.query(
    `INSERT INTO doctor_working_hours (doctor_id, weekday, starts_at, ends_at)
     SELECT d.id, w, time '08:00', time '17:00' FROM doctors d CROSS JOIN generate_series(1, 5) w
      WHERE d.license_number LIKE 'BENCH-LIC-%'`,
  );
  await client.query(
    `CREATE TABLE IF NOT EXISTS bench_doctor_ids AS
     SELECT row_number() OVER (ORDER BY license_number)::int AS n, id FROM doctors WHERE license_number LIKE 'BENCH-LIC-%'`,
  );
}

/** Appends patients until there are `total`; COPY with the secondary indexes rebuilt afterwards. */
export async function loadPatients(client: pg.ClientBase, total: number, seed = 42): Promise<void> {
  const existing = await count(client, 'patients');
  if (existing >= total) return;
  const random = new Random(seed + existing);
  const created = Date.now() - 3 * 365 * 86_400_000;
  await withIndexesRebuilt(client, 'patients', async () => {
    await copyRows(
      client,
      'COPY patients (name, date_of_birth, sex, phone, email, address, created_at) FROM STDIN',
      total - existing,
      (i) => {
        const index = existing + i;
        const birth = birthDate(random);
        return [
          patientName(random),
          birth,
          (['female', 'male', 'other', 'unknown'] as const)[index % 4]!,
          `+1 555 ${String(1_000_000 + index).slice(-7)}`,
          index % 3 === 0 ? `patient${index}@example.org` : null,
          `${1 + (index % 999)} Bench Street`,
          new Date(created + (index % 1_000) * 86_400_000 + (index % 86_400) * 1000).toISOString(),
        ];
      },
      new Progress('patients'),
    );
  });
  await client.query('DROP TABLE IF EXISTS bench_patient_ids');
  await client.query(
    `CREATE TABLE bench_patient_ids AS SELECT row_number() OVER (ORDER BY mrn)::int AS n, id, mrn, phone FROM patients`,
  );
  await client.query('ALTER TABLE bench_patient_ids ADD PRIMARY KEY (n)');
}

/**
 * Appointments for every bench doctor in 30-minute slots on weekdays around today (past ones completed,
 * future ones scheduled). The patient of slot s with doctor d is (s * doctors + d) mod patients, so no
 * patient is booked twice at the same time and the exclusion constraints hold.
 */
export async function loadAppointments(client: pg.ClientBase, total: number): Promise<void> {
  const existing = await count(client, 'appointments');
  if (existing >= total) return;
  const doctors = await count(client, 'bench_doctor_ids');
  const patients = await count(client, 'bench_patient_ids');
  const slotsPerDoctor = Math.ceil(total / doctors);
  const pastDays = Math.floor((slotsPerDoctor * 0.8) / SLOTS_PER_DAY);
  const progress = new Progress('appointments');
  await withIndexesRebuilt(client, 'appointments', async () => {
    const batch = Math.max(1, Math.floor(200_000 / slotsPerDoctor));
    for (let first = 1; first <= doctors; first += batch) {
      const last = Math.min(doctors, first + batch - 1);
      await client.query(
        `INSERT INTO appointments (patient_id, doctor_id, starts_at, ends_at, status, completed_at)
         SELECT p.id, d.id, t.starts_at, t.starts_at + interval '30 minutes',
                CASE WHEN t.starts_at < now() THEN 'completed' ELSE 'scheduled' END,
                CASE WHEN t.starts_at < now() THEN t.starts_at + interval '30 minutes' END
           FROM bench_doctor_ids d
           CROSS JOIN generate_series(0, $3::int - 1) s
           CROSS JOIN LATERAL (
             SELECT (date_trunc('week', now()) - make_interval(weeks => $4::int / 5 + 1)
                     + make_interval(days => (s / $5::int / 5) * 7 + (s / $5::int) % 5)
                     + time '08:00' + make_interval(mins => (s % $5::int) * 30)) AS starts_at
           ) t
           JOIN bench_patient_ids p ON p.n = 1 + ((s * $6::int + d.n) % $7::int)
          WHERE d.n BETWEEN $1 AND $2`,
        [first, last, slotsPerDoctor, pastDays, SLOTS_PER_DAY, doctors, patients],
      );
      progress.update(Math.min(total, last * slotsPerDoctor), total);
    }
  });
}

const AUDIT_ACTIONS = [
  'PATIENT_RECORD_VIEWED',
  'PATIENT_SEARCHED',
  'AUTHENTICATION_SUCCEEDED',
  'PATIENT_UPDATED',
] as const;
const YEAR_SECONDS = 31_536_000;

/**
 * Audit rows of the kinds a hospital writes most (record views, searches, sign-ins) over the past year,
 * loaded already sealed into the hash chain with MediSys's own `rowHash`, as a running MediSys keeps
 * them (its sealer follows new rows within seconds). Loaded unsealed, they would leave every instance's
 * sealer working through a 10,000,000-row backlog during the scenarios, which is no hospital's state.
 * The rows are made twice from the same numbers: once for audit_events, once to chain their seals.
 */
export async function loadAuditEvents(client: pg.ClientBase, total: number): Promise<void> {
  const existing = await count(client, 'audit_events');
  if (existing >= total) return;
  const db = queryableOf(client);
  // Rows written before the load (the searches of the curve points) are sealed first, as MediSys would.
  while ((await sealBatch(db)).more);
  let { chainSeq, rowHash: prevHash } = (await findChainHead(db)) ?? { chainSeq: 0, rowHash: GENESIS_HASH };
  const maxId = await client.query<{ id: string }>(
    'SELECT coalesce(max(id), 0)::text AS id FROM audit_events',
  );
  const firstId = Number(maxId.rows[0]!.id) + 1;
  const patientIds = (
    await client.query<{ id: string }>('SELECT id::text AS id FROM bench_patient_ids ORDER BY n')
  ).rows.map((row) => row.id);
  const now = Date.now();
  const auditRow = (i: number): ChainedRow => {
    const g = existing + i + 1;
    const patientId = patientIds[g % patientIds.length]!;
    return {
      id: String(firstId + i),
      // Whole milliseconds, written with the microseconds PostgreSQL prints them with.
      occurredAt: `${new Date(now - (g % YEAR_SECONDS) * 1000).toISOString().slice(0, 23)}000Z`,
      action: AUDIT_ACTIONS[g % AUDIT_ACTIONS.length]!,
      outcome: 'success',
      actorUserId: null,
      actorUsername: userName(g % 10_000),
      actorRole: 'staff',
      entityType: 'patient',
      entityId: patientId,
      patientId,
      clientAddress: `10.0.0.${g % 250}`,
      requestId: null,
      details: '{}',
    };
  };
  await withIndexesRebuilt(client, 'audit_events', async () => {
    await copyRows(
      client,
      `COPY audit_events (id, occurred_at, action, actor_username, actor_role, entity_type, entity_id,
                          patient_id, client_address) FROM STDIN`,
      total - existing,
      (i) => {
        const row = auditRow(i);
        return [
          row.id,
          row.occurredAt,
          row.action,
          row.actorUsername,
          row.actorRole,
          row.entityType,
          row.entityId,
          row.patientId,
          row.clientAddress,
        ];
      },
      new Progress('audit events'),
    );
  });
  await copyRows(
    client,
    'COPY audit_seals (chain_seq, event_id, prev_hash, row_hash) FROM STDIN',
    total - existing,
    (i) => {
      const row = auditRow(i);
      chainSeq += 1;
      const hash = rowHash(row, prevHash);
      const line = [String(chainSeq), row.id, prevHash, hash];
      prevHash = hash;
      return line;
    },
    new Progress('audit seals'),
  );
  await client.query(
    `SELECT setval(pg_get_serial_sequence('audit_events', 'id'), (SELECT max(id) FROM audit_events))`,
  );
}

function queryableOf(client: pg.ClientBase): Queryable {
  return {
    async query<Row>(text: string, params?: readonly unknown[]) {
      const result = await client.query(text, params as unknown[]);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
  };
}

export async function finishLoad(client: pg.ClientBase, size: DatasetSize): Promise<void> {
  await client.query('VACUUM ANALYZE');
  await recordSize(client, size);
}
