import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchPostgresDatabase, POSTGRES_AVAILABLE } from '../support/databases.js';
import { http, runMediSys, startMediSys, type RunningMediSys } from '../support/processes.js';

const ADMIN_PASSWORD = 'the booking desk passphrase';

/**
 * The contract's promise that double booking is decided by the database, so it holds across
 * instances: two `medisys serve` processes on one PostgreSQL, racing for the same slot.
 */
describe.runIf(POSTGRES_AVAILABLE)('booking one slot from two MediSys processes at once', () => {
  let workDir: string;
  let database: Awaited<ReturnType<typeof createScratchPostgresDatabase>>;
  let servers: [RunningMediSys, RunningMediSys];
  let adminToken: string;
  let token: string;
  let departmentId: string;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'medisys-booking-'));
    database = await createScratchPostgresDatabase();
    const env = {
      MEDISYS_DATASOURCE_URL: database.url,
      MEDISYS_SECURITY_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    };
    const migrated = await runMediSys(['migrate'], { cwd: workDir, env });
    expect(migrated.stderr).toBe('');
    expect(migrated.status).toBe(0);
    servers = await Promise.all([startMediSys({ cwd: workDir, env }), startMediSys({ cwd: workDir, env })]);

    const admin = await http(`${servers[0].apiUrl}/api/v1/auth/login`, {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    expect(admin.status).toBe(200);
    adminToken = admin.body.token;
    const clerk = await http(`${servers[0].apiUrl}/api/v1/users`, {
      token: admin.body.token,
      body: { username: 'booking-clerk', password: 'booking clerk passphrase 1', role: 'staff' },
    });
    expect(clerk.status).toBe(201);
    const signedIn = await http(`${servers[1].apiUrl}/api/v1/auth/login`, {
      body: { username: 'booking-clerk', password: 'booking clerk passphrase 1' },
    });
    token = signedIn.body.token;
    const department = await http(`${servers[0].apiUrl}/api/v1/departments`, {
      token: admin.body.token,
      body: { code: 'GP', name: 'General practice' },
    });
    expect(department.status).toBe(201);
    departmentId = department.body.id;
  });

  afterAll(async () => {
    await Promise.all((servers ?? []).map((server) => server.stop('SIGKILL')));
    await database?.drop();
    rmSync(workDir, { recursive: true, force: true });
  });

  async function createDoctor(licenseNumber: string): Promise<string> {
    const doctor = await http(`${servers[1].apiUrl}/api/v1/doctors`, {
      token: adminToken,
      body: { name: `Dr ${licenseNumber}`, licenseNumber, specialization: 'General practice', departmentId },
    });
    expect(doctor.status).toBe(201);
    return doctor.body.id;
  }

  async function createPatients(count: number, prefix: string): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      const server = servers[index % 2]!;
      const patient = await http(`${server.apiUrl}/api/v1/patients`, {
        token,
        body: { name: `${prefix} Patient ${index}`, dateOfBirth: '1970-01-01' },
      });
      expect(patient.status).toBe(201);
      ids.push(patient.body.id);
    }
    return ids;
  }

  it('gives the slot to exactly one of 20 concurrent requests; the other 19 get 409', async () => {
    const doctorId = await createDoctor('RACE-1');
    const patients = await createPatients(20, 'Racing');
    // Monday 2030-07-15, 09:00-09:30 in UTC (the default hospital.timezone).
    const responses = await Promise.all(
      patients.map((patientId, index) =>
        http(`${servers[index % 2]!.apiUrl}/api/v1/appointments`, {
          token,
          body: { patientId, doctorId, start: '2030-07-15T09:00:00Z', end: '2030-07-15T09:30:00Z' },
        }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    for (const refused of responses.filter((response) => response.status === 409)) {
      expect(refused.body.detail).toMatch(/^The doctor already has an appointment/);
    }

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const stored = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM appointments WHERE doctor_id = $1',
        [doctorId],
      );
      expect(stored.rows[0]!.n).toBe(1);
    } finally {
      await client.end();
    }
    const listed = await http(
      `${servers[0].apiUrl}/api/v1/appointments?doctorId=${doctorId}&from=2030-07-15T00:00:00Z&to=2030-07-16T00:00:00Z`,
      { token },
    );
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(1);
    const winner = responses.find((response) => response.status === 201)!;
    expect(listed.body.items[0].patientId).toBe(winner.body.patientId);
  });

  it('refuses the same patient with two doctors at overlapping times, also when both arrive at once', async () => {
    const firstDoctor = await createDoctor('PAIR-1');
    const secondDoctor = await createDoctor('PAIR-2');
    const patients = await createPatients(5, 'Paired');
    for (const [round, patientId] of patients.entries()) {
      const hour = String(9 + round).padStart(2, '0');
      const [viaFirst, viaSecond] = await Promise.all([
        http(`${servers[0].apiUrl}/api/v1/appointments`, {
          token,
          body: {
            patientId,
            doctorId: firstDoctor,
            start: `2030-07-16T${hour}:00:00Z`,
            end: `2030-07-16T${hour}:30:00Z`,
          },
        }),
        http(`${servers[1].apiUrl}/api/v1/appointments`, {
          token,
          body: {
            patientId,
            doctorId: secondDoctor,
            start: `2030-07-16T${hour}:15:00Z`,
            end: `2030-07-16T${hour}:45:00Z`,
          },
        }),
      ]);
      expect([viaFirst.status, viaSecond.status].sort()).toEqual([201, 409]);
      const refused = viaFirst.status === 409 ? viaFirst : viaSecond;
      expect(refused.body.detail).toMatch(/^The patient already has an appointment/);
    }
  });
});
