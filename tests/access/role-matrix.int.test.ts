import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineContext, ROLES, type Role } from '../../src/shared/request-context.js';
import {
  insertAppointment,
  linkDoctorRecord,
  makeHead,
  putInCare,
  userIdOf,
} from '../support/care-factories.js';
import {
  admit,
  bearer,
  insertDepartment,
  insertDoctor,
  registerPatient,
} from '../support/clinical-factories.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { multipartBody, PNG_1X1 } from '../support/uploads.js';
import {
  concreteUrl,
  expectsForbidden,
  ROUTE_EXPECTATIONS,
  type Fixture,
  type RouteExpectation,
  type Subject,
} from './route-expectations.js';

interface Account {
  readonly username: string;
  readonly password: string;
  readonly token: string;
}

describe.each(DATABASE_KINDS)('every /api/v1 route for every role on %s', (kind) => {
  let t: TestApp;
  const accounts = new Map<Role, Account>();
  let fixture: Fixture;
  let inCare: Subject;
  let outsideCare: Subject;

  async function account(role: Role): Promise<Account> {
    const username = `matrix-${role.replace('_', '-')}-${kind}`;
    const password = `matrix password for ${role}`;
    await t.app.services.users.create({ username, password, role }, commandLineContext('test'));
    return { username, password, token: await t.login(username, password) };
  }

  /** A patient with an appointment, an admission, a history entry, a document and a care-team member. */
  async function subjectFor(
    doctorId: string,
    departmentId: string,
    adminToken: string,
    memberUserId: string,
  ): Promise<Subject> {
    const patient = await registerPatient(t, adminToken);
    const appointmentId = await insertAppointment(t, patient.id, doctorId, { daysFromNow: 3 });
    const admitted = await admit(t, adminToken, {
      patientId: patient.id,
      triagePriority: 3,
      chiefComplaint: 'Role matrix admission',
      departmentId,
      doctorId,
    });
    const entry = await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/patients/${patient.id}/history`,
      headers: bearer(adminToken),
      payload: { type: 'allergy', text: 'Latex', severity: 'mild' },
    });
    const { payload, contentType } = multipartBody([{ name: 'file', filename: 'scan.png', data: PNG_1X1 }]);
    const document = await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/patients/${patient.id}/documents`,
      headers: { ...bearer(adminToken), 'content-type': contentType },
      payload,
    });
    const member = await t.database.db.query<{ id: string }>(
      `INSERT INTO care_team_members (patient_id, user_id, role) VALUES ($1, $2, 'nurse') RETURNING id`,
      [patient.id, memberUserId],
    );
    for (const response of [admitted, entry, document]) expect(response.statusCode).toBe(201);
    return {
      patientId: patient.id,
      appointmentId,
      admissionId: admitted.json().id,
      entryId: entry.json().id,
      documentId: document.json().id,
      memberId: member.rows[0]!.id,
    };
  }

  beforeAll(async () => {
    t = await buildTestApp(kind);
    for (const role of ROLES) accounts.set(role, await account(role));
    const admin = accounts.get('admin')!.token;
    const doctor = accounts.get('doctor')!.token;
    const head = accounts.get('department_head')!.token;

    // The doctor works in X and the department head leads X; Y is another department's world.
    const departmentX = await insertDepartment(t);
    const departmentY = await insertDepartment(t);
    const doctorRecord = await linkDoctorRecord(t, doctor, departmentX);
    await makeHead(t, departmentX, await linkDoctorRecord(t, head, null));
    const spareClinician = await t.userToken('doctor');
    const spareClinicianId = await userIdOf(t, spareClinician);

    inCare = await subjectFor(doctorRecord, departmentX, admin, spareClinicianId);
    // A second relationship, so that a cancelled appointment or a discharge during the run keeps it.
    await putInCare(t, doctor, inCare.patientId);
    outsideCare = await subjectFor(await insertDoctor(t, departmentY), departmentY, admin, spareClinicianId);

    const grant = await t.app.api.inject({
      method: 'POST',
      url: `/api/v1/patients/${inCare.patientId}/emergency-access`,
      headers: bearer(spareClinician),
      payload: { reason: 'Role matrix: a grant to review' },
    });
    expect(grant.statusCode).toBe(201);
    fixture = {
      departmentId: departmentX,
      spareDepartmentId: await insertDepartment(t),
      spareDoctorId: await insertDoctor(t, null),
      spareClinicianId,
      targetUserId: await userIdOf(t, await t.userToken('staff')),
      grantId: grant.json().id,
    };
  });
  afterAll(async () => t?.close());

  /** The non-HEAD routes by "METHOD url"; HEAD routes mirror their GET. */
  function registeredRoutes(): Map<string, string> {
    const routes = new Map<string, string>();
    for (const route of t.app.routes) {
      if (route.method === 'HEAD') continue;
      routes.set(`${route.method} ${route.url}`, route.public ? 'public' : (route.permission ?? 'none'));
    }
    return routes;
  }

  async function call(
    key: string,
    expectation: RouteExpectation,
    role: Role,
    subject: Subject,
  ): Promise<{ status: number; body: string }> {
    const [method, url] = key.split(' ') as [string, string];
    const parts = expectation.request?.(subject, fixture) ?? {};
    const owner = accounts.get(role)!;
    // Logging out ends the session: give it one of its own.
    const token =
      key === 'POST /api/v1/auth/logout' ? await t.login(owner.username, owner.password) : owner.token;
    const response = await t.app.api.inject({
      method: method as 'GET',
      url: `${concreteUrl(url, subject, fixture)}${parts.query ?? ''}`,
      headers: { ...bearer(token), ...parts.headers },
      ...(parts.payload ? { payload: parts.payload } : {}),
    });
    return { status: response.statusCode, body: response.body.slice(0, 300) };
  }

  it('knows every registered route, with the permission each declares, and HEAD mirrors GET', () => {
    const routes = registeredRoutes();
    const declared = Object.fromEntries(routes);
    const written = Object.fromEntries(
      Object.entries(ROUTE_EXPECTATIONS).map(([key, expectation]) => [key, expectation.permission]),
    );
    expect(Object.keys(declared).sort()).toEqual(Object.keys(written).sort());
    expect(declared).toEqual(written);
    for (const route of t.app.routes.filter((candidate) => candidate.method === 'HEAD')) {
      expect(routes.get(`GET ${route.url}`), route.url).toBe(route.permission);
    }
  });

  it('answers 403 exactly where the role or the care rule refuses, for a patient outside the care', async () => {
    const mismatches: string[] = [];
    for (const [key, expectation] of Object.entries(ROUTE_EXPECTATIONS)) {
      if (expectation.object !== 'clinical') continue;
      for (const role of ROLES) {
        const forbidden = expectsForbidden(expectation, role, 'outside-care');
        const { status, body } = await call(key, expectation, role, outsideCare);
        if (forbidden !== (status === 403) || status === 401 || status >= 500) {
          mismatches.push(`${key} as ${role}: ${status} (expected ${forbidden ? '403' : 'not 403'}) ${body}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('answers 403 exactly where the role refuses, on every route, for a patient in the care', async () => {
    const mismatches: string[] = [];
    for (const [key, expectation] of Object.entries(ROUTE_EXPECTATIONS)) {
      for (const role of ROLES) {
        const forbidden = expectsForbidden(expectation, role, 'in-care');
        const { status, body } = await call(key, expectation, role, inCare);
        const acceptable = forbidden ? status === 403 : status !== 403 && status !== 401 && status < 500;
        if (!acceptable) {
          mismatches.push(`${key} as ${role}: ${status} (expected ${forbidden ? '403' : 'not 403'}) ${body}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
