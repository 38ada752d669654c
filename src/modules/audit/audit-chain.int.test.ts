import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerPatient } from '../../../tests/support/clinical-factories.js';
import {
  adminQuery,
  DATABASE_KINDS,
  POSTGRES_AVAILABLE,
  servicesRequired,
} from '../../../tests/support/databases.js';
import { buildTestApp, type TestApp } from '../../../tests/support/test-app.js';
import { PostgresDatabase, sqlState, type Queryable } from '../../db/index.js';
import { buildApp } from '../../server/app.js';
import { commandLineContext } from '../../shared/request-context.js';
import { AuditSealer } from './audit-sealer.js';
import { verifyAuditChain } from './audit-verify.js';

const context = commandLineContext('chain-test');

async function errorCode(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    return sqlState(error) ?? (error as Error).message;
  }
}

describe.each(DATABASE_KINDS)('the tamper-evident audit trail on %s', (kind) => {
  let t: TestApp;
  let sealer: AuditSealer;
  let ids: string[];

  /** As a superuser would: triggers off (session_replication_role), then the statements. */
  async function asSuperuser(statements: [string, unknown[]?][]): Promise<void> {
    await t.database.db.withConnection(async (connection) => {
      await connection.query('SET session_replication_role = replica');
      try {
        for (const [sql, params] of statements) await connection.query(sql, params ?? []);
      } finally {
        await connection.query('SET session_replication_role = DEFAULT');
      }
    });
  }

  async function asApplicationRole(work: (connection: Queryable) => Promise<unknown>): Promise<unknown> {
    return t.database.db.withConnection(async (connection) => {
      await connection.query('SET ROLE medisys_app');
      try {
        return await work(connection);
      } finally {
        await connection.query('RESET ROLE');
      }
    });
  }

  const findings = async () => (await verifyAuditChain(t.database.db, { batchSize: 7 })).findings;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    sealer = new AuditSealer(t.database.db, t.loggers);
    const admin = await t.adminToken();
    const patient = await registerPatient(t, admin, { name: 'Chain Patient' });
    for (let index = 0; index < 3; index++) {
      await t.app.api.inject({
        method: 'GET',
        url: `/api/v1/patients/${patient.id}`,
        headers: { authorization: `Bearer ${admin}` },
      });
    }
    for (let index = 0; index < 20; index++) {
      await t.app.services.audit.recordAlone(context, {
        action: 'CHAIN_TEST',
        details: { index, note: 'é "q"' },
      });
    }
  });
  afterAll(async () => t?.close());

  it('seals every committed row in id order and verifies intact, batch after batch', async () => {
    expect(await sealer.sealPending()).toBeGreaterThanOrEqual(24);
    expect(await sealer.sealPending()).toBe(0);
    const chain = await t.database.db.query<{ id: string; chainSeq: string }>(
      'SELECT event_id::text AS id, chain_seq::text AS "chainSeq" FROM audit_seals ORDER BY chain_seq',
    );
    ids = chain.rows.map((row) => row.id);
    expect(chain.rows.map((row) => Number(row.chainSeq))).toEqual(chain.rows.map((_, index) => index + 1));
    const result = await verifyAuditChain(t.database.db, { batchSize: 7 });
    expect(result.findings).toEqual([]);
    expect(result.checked).toBe(ids.length);
    expect(result.unsealed).toBe(0);
    expect((await t.logLines('audit')).some((line) => line.includes('AUDIT_CHAIN_SEALED'))).toBe(true);
  });

  it('lets the application role insert and read rows and seals, but not edit, delete or re-seal them', async () => {
    const target = ids[5]!;
    expect(
      await errorCode(
        asApplicationRole((c) => c.query("UPDATE audit_events SET action = 'X' WHERE id = $1", [target])),
      ),
    ).toBe('42501');
    expect(
      await errorCode(asApplicationRole((c) => c.query('DELETE FROM audit_events WHERE id = $1', [target]))),
    ).toBe('42501');
    expect(
      await errorCode(
        asApplicationRole((c) =>
          c.query('UPDATE audit_seals SET row_hash = $2 WHERE event_id = $1', [target, 'f'.repeat(64)]),
        ),
      ),
    ).toBe('42501');
    expect(
      await errorCode(
        asApplicationRole((c) => c.query('DELETE FROM audit_seals WHERE event_id = $1', [target])),
      ),
    ).toBe('42501');
    expect(await errorCode(asApplicationRole((c) => c.query('TRUNCATE audit_events')))).toBe('42501');
    expect(await errorCode(asApplicationRole((c) => c.query('TRUNCATE audit_seals')))).toBe('42501');
    await asApplicationRole(async (c) => {
      await c.query(`INSERT INTO audit_events (action) VALUES ('APP_ROLE_INSERT')`);
      expect((await c.query('SELECT count(*) FROM audit_events')).rows).toHaveLength(1);
    });
    // Even the owner (the migrating superuser here) cannot change a row while the trigger stands.
    expect(
      await errorCode(t.database.db.query("UPDATE audit_events SET action = 'X' WHERE id = $1", [target])),
    ).toBe('42501');
    expect(
      await errorCode(t.database.db.query('DELETE FROM audit_seals WHERE event_id = $1', [target])),
    ).toBe('42501');
    expect(await sealer.sealPending()).toBe(1);
    ids = (
      await t.database.db.query<{ id: string }>(
        'SELECT event_id::text AS id FROM audit_seals ORDER BY chain_seq',
      )
    ).rows.map((row) => row.id);
  });

  it('names a row a superuser edited, and is clean again once it is put back', async () => {
    const target = ids[8]!;
    const original = await t.database.db.query<{ details: unknown }>(
      'SELECT details FROM audit_events WHERE id = $1',
      [target],
    );
    await asSuperuser([['UPDATE audit_events SET details = \'{"index": 999}\' WHERE id = $1', [target]]]);
    expect(await findings()).toEqual([
      expect.objectContaining({
        kind: 'edited',
        eventId: target,
        chainSeq: 9,
        message: expect.stringContaining(`audit event ${target}`),
      }),
    ]);
    await asSuperuser([
      [
        'UPDATE audit_events SET details = $2 WHERE id = $1',
        [target, JSON.stringify(original.rows[0]!.details)],
      ],
    ]);
    expect(await findings()).toEqual([]);
  });

  it('names a sealed row that was deleted, and the place of one deleted with its seal', async () => {
    const target = ids[10]!;
    const next = ids[11]!;
    // Plain tables, not temporary ones: each asSuperuser call may get another pooled connection.
    const suffix = randomBytes(4).toString('hex');
    const [savedEvent, savedSeal] = [`saved_event_${suffix}`, `saved_seal_${suffix}`];
    await asSuperuser([
      [`CREATE TABLE ${savedEvent} AS SELECT * FROM audit_events WHERE id = ${Number(target)}`],
      [`CREATE TABLE ${savedSeal} AS SELECT * FROM audit_seals WHERE event_id = ${Number(target)}`],
      ['DELETE FROM audit_events WHERE id = $1', [target]],
    ]);
    expect(await findings()).toEqual([
      expect.objectContaining({
        kind: 'deleted',
        eventId: target,
        chainSeq: 11,
        message: expect.stringContaining('its seal remains, the row is gone'),
      }),
    ]);
    await asSuperuser([['DELETE FROM audit_seals WHERE event_id = $1', [target]]]);
    expect(await findings()).toEqual([
      expect.objectContaining({
        kind: 'deleted',
        eventId: next,
        message: expect.stringContaining(`between audit event ${ids[9]} and audit event ${next}`),
      }),
    ]);
    await asSuperuser([
      [`INSERT INTO audit_events OVERRIDING SYSTEM VALUE SELECT * FROM ${savedEvent}`],
      [`INSERT INTO audit_seals SELECT * FROM ${savedSeal}`],
      [`DROP TABLE ${savedEvent}, ${savedSeal}`],
    ]);
    expect(await findings()).toEqual([]);
  });

  it('names the rows of a reordering', async () => {
    // ids[14] and ids[15] sit at chain positions 15 and 16; a superuser swaps them.
    const [first, second] = [ids[14]!, ids[15]!];
    const place = (a: string, b: string): [string, unknown[]][] => [
      ['UPDATE audit_seals SET chain_seq = -1 WHERE event_id = $1', [a]],
      ['UPDATE audit_seals SET chain_seq = 15 WHERE event_id = $1', [b]],
      ['UPDATE audit_seals SET chain_seq = 16 WHERE event_id = $1', [a]],
    ];
    await asSuperuser(place(first, second));
    const found = await findings();
    expect(found.length).toBeGreaterThanOrEqual(2);
    expect(found.every((finding) => finding.kind === 'reordered')).toBe(true);
    expect(found.map((finding) => finding.eventId)).toEqual(expect.arrayContaining([first, second]));
    await asSuperuser(place(second, first));
    expect(await findings()).toEqual([]);
  });

  it('finds the newest rows deleted against a logged chain head', async () => {
    const head = (await verifyAuditChain(t.database.db)).head!;
    await t.app.services.audit.recordAlone(context, { action: 'CHAIN_TEST_TAIL' });
    await sealer.sealPending();
    const tail = await verifyAuditChain(t.database.db);
    await asSuperuser([
      [
        'DELETE FROM audit_events WHERE id = (SELECT event_id FROM audit_seals WHERE chain_seq = $1)',
        [tail.head!.chainSeq],
      ],
      ['DELETE FROM audit_seals WHERE chain_seq = $1', [tail.head!.chainSeq]],
    ]);
    expect(await findings()).toEqual([]);
    const anchored = await verifyAuditChain(t.database.db, { anchor: tail.head });
    expect(anchored.findings).toEqual([expect.objectContaining({ kind: 'anchor' })]);
    expect((await verifyAuditChain(t.database.db, { anchor: head })).findings).toEqual([]);
  });
});

describe.runIf(POSTGRES_AVAILABLE || servicesRequired)(
  'sealing alongside live transactions on PostgreSQL',
  () => {
    let t: TestApp;
    const loginRole = `medisys_test_app_${randomBytes(4).toString('hex')}`;

    beforeAll(async () => {
      t = await buildTestApp('postgres');
    });
    afterAll(async () => {
      await t?.close();
      await adminQuery(`DROP ROLE IF EXISTS ${loginRole}`);
    });

    it('seals a row that commits after newer ones in a later pass; two sealers never clash', async () => {
      const sealers = [new AuditSealer(t.database.db, t.loggers), new AuditSealer(t.database.db, t.loggers)];
      let inserted!: () => void;
      const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const late = t.database.db.transaction(async (tx) => {
        await t.app.services.audit.record(tx, context, { action: 'LATE_COMMIT' });
        inserted();
        await held;
      });
      await insertedSignal;
      for (let index = 0; index < 30; index++)
        await t.app.services.audit.recordAlone(context, { action: 'EARLY_COMMIT' });
      const counts = await Promise.all(sealers.map((sealer) => sealer.sealPending()));
      expect(counts[0]! + counts[1]!).toBeGreaterThanOrEqual(30);
      release();
      await late;
      expect(await sealers[1]!.sealPending()).toBe(1);
      const rows = await t.database.db.query<{ action: string; id: string; chainSeq: string }>(
        `SELECT e.action, e.id::text AS id, s.chain_seq::text AS "chainSeq"
           FROM audit_seals s JOIN audit_events e ON e.id = s.event_id
          WHERE e.action IN ('LATE_COMMIT', 'EARLY_COMMIT') ORDER BY s.chain_seq DESC LIMIT 2`,
      );
      const [lateRow, lastEarly] = rows.rows;
      expect(lateRow!.action).toBe('LATE_COMMIT');
      expect(Number(lateRow!.id)).toBeLessThan(Number(lastEarly!.id));
      expect((await verifyAuditChain(t.database.db)).findings).toEqual([]);
    });

    it('remembers the id of a transaction in flight until it ends, and lets a rolled-back one go', async () => {
      const sealer = new AuditSealer(t.database.db, t.loggers, { gapMinimumAgeSeconds: 0 });
      await sealer.sealPending();
      const gapOf = async (id: string): Promise<boolean> =>
        (await t.database.db.query('SELECT 1 FROM audit_seal_gaps WHERE event_id = $1', [id])).rows.length >
        0;
      let insertedId!: (id: string) => void;
      const inserted = new Promise<string>((resolve) => (insertedId = resolve));
      let rollBack!: () => void;
      const held = new Promise<void>((resolve) => (rollBack = resolve));
      const doomed = t.database.db
        .transaction(async (tx) => {
          await t.app.services.audit.record(tx, context, { action: 'ROLLED_BACK' });
          const own = await tx.query<{ id: string }>(
            "SELECT max(id)::text AS id FROM audit_events WHERE action = 'ROLLED_BACK'",
          );
          insertedId(own.rows[0]!.id);
          await held;
          throw new Error('rolled back on purpose');
        })
        .catch((error: Error) => error.message);
      const id = await inserted;
      await t.app.services.audit.recordAlone(context, { action: 'AFTER_ROLLED_BACK' });
      expect(await sealer.sealPending()).toBe(1);
      expect(await gapOf(id)).toBe(true);
      // Still running: however old the gap, its row may yet commit.
      await sealer.sealPending();
      expect(await gapOf(id)).toBe(true);
      rollBack();
      expect(await doomed).toBe('rolled back on purpose');
      expect(await sealer.sealPending()).toBe(0);
      // Let go once no transaction older than the gap's notice is running anywhere in the cluster: other
      // test files' (or a bench load's) transactions can hold that back for a while, never for good.
      await vi.waitFor(
        async () => {
          await sealer.sealPending();
          expect(await gapOf(id)).toBe(false);
        },
        { timeout: 60_000, interval: 250 },
      );
      const sealedIds = await t.database.db.query('SELECT 1 FROM audit_seals WHERE event_id = $1', [id]);
      expect(sealedIds.rows).toHaveLength(0);
      expect((await verifyAuditChain(t.database.db)).findings).toEqual([]);
    });

    it('runs MediSys as a login role that is only a member of medisys_app', async () => {
      await adminQuery(`CREATE ROLE ${loginRole} LOGIN IN ROLE medisys_app`);
      const url = new URL(t.database.url!);
      url.username = loginRole;
      const db = new PostgresDatabase({
        url: url.toString(),
        maximumPoolSize: 3,
        minimumIdle: 0,
        connectionTimeoutMs: 5000,
        idleTimeoutMs: 10_000,
        maxLifetimeMs: 60_000,
        statementTimeoutMs: 30_000,
      });
      const app = await buildApp(t.config, { db, loggers: t.loggers });
      try {
        const login = await app.api.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: 'admin', password: 'correct horse battery staple' },
        });
        expect(login.statusCode, login.body).toBe(200);
        const headers = { authorization: `Bearer ${login.json().token}` };
        const created = await app.api.inject({
          method: 'POST',
          url: '/api/v1/patients',
          headers,
          payload: { name: 'Role Patient', dateOfBirth: '1990-02-03', nationalId: 'R-1' },
        });
        expect(created.statusCode, created.body).toBe(201);
        const read = await app.api.inject({
          method: 'GET',
          url: `/api/v1/patients/${created.json().id}`,
          headers,
        });
        expect(read.json().nationalId).toBe('R-1');
        expect(await new AuditSealer(db, t.loggers).sealPending()).toBeGreaterThan(0);
        expect((await verifyAuditChain(db)).findings).toEqual([]);
        expect(await errorCode(db.query('DELETE FROM audit_events'))).toBe('42501');
        expect(await errorCode(db.query("UPDATE audit_events SET action = 'X'"))).toBe('42501');
      } finally {
        await app.close();
        await db.close();
      }
    });
  },
);
