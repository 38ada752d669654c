import type { AppServices } from '../../server/app.js';
import type { Database } from '../../db/index.js';
import { generatePassword } from '../../modules/users/index.js';
import type { RequestContext, Role } from '../../shared/request-context.js';
import { DEMO_COMPLAINTS, DEMO_DEPARTMENTS, DEMO_DOCTOR_NAMES, demoPatients } from './demo-data.js';

export class SeedError extends Error {
  override name = 'SeedError';
}

export interface SeedSummary {
  readonly departments: number;
  readonly doctors: number;
  readonly patients: number;
  readonly appointments: number;
  readonly admissions: number;
  readonly historyEntries: number;
  readonly users: { username: string; role: Role }[];
  readonly password: string;
}

const DEMO_USERS: { username: string; role: Role }[] = [
  { username: 'demo.doctor', role: 'doctor' },
  { username: 'demo.staff', role: 'staff' },
  { username: 'demo.finance', role: 'finance' },
  { username: 'demo.head', role: 'department_head' },
];

/**
 * Loads a demonstration hospital through the services (so every rule and audit record applies):
 * departments, doctors with the default hours, patients, a week of appointments, open emergency
 * admissions, a little history, and demo users sharing one generated password. Refuses to run twice.
 */
export async function seedDemo(
  db: Database,
  services: AppServices,
  context: RequestContext,
): Promise<SeedSummary> {
  const existing = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM users WHERE username LIKE 'demo.%'",
  );
  if (existing.rows[0]!.n > 0)
    throw new SeedError('The demo hospital is already loaded (users demo.* exist).');
  const password = generatePassword();
  const users = [];
  for (const user of DEMO_USERS) {
    users.push(await services.users.create({ ...user, password, displayName: `Demo ${user.role}` }, context));
  }
  const departments = [];
  const doctors = [];
  for (const [index, department] of DEMO_DEPARTMENTS.entries()) {
    const created = (
      await services.departments.create(
        {
          code: department.code,
          name: department.name,
          location: department.location,
          floor: department.floor,
        },
        context,
      )
    ).body;
    departments.push(created);
    for (const offset of [0, 1]) {
      const name = DEMO_DOCTOR_NAMES[index * 2 + offset]!;
      const linkedUser = index === 0 && offset === 0 ? users[0]!.id : undefined;
      doctors.push(
        (
          await services.doctors.create(
            {
              name,
              licenseNumber: `DEMO-${department.code}-${offset + 1}`,
              specialization: department.specialization,
              departmentId: created.id,
              ...(linkedUser ? { userId: linkedUser } : {}),
            },
            context,
          )
        ).body,
      );
    }
  }
  await services.departments.assignStaff(
    departments[1]!.id,
    { userId: users[3]!.id, position: 'Head of department' },
    context,
  );
  const patients = [];
  for (const patient of demoPatients(60))
    patients.push((await services.patients.register(patient, context)).body);

  let appointments = 0;
  const from = new Date(Date.now() + 3_600_000);
  const to = new Date(from.getTime() + 7 * 86_400_000);
  for (const [index, doctor] of doctors.entries()) {
    const slots = await services.appointmentQueries.freeSlots({
      doctorId: doctor.id,
      from: from.toISOString(),
      to: to.toISOString(),
      limit: 200,
      offset: 0,
    });
    // Every third slot, so the calendars look lived in but leave room to book.
    const chosen = slots.items.filter((_, slotIndex) => slotIndex % 3 === 0).slice(0, 8);
    for (const [slotIndex, slot] of chosen.entries()) {
      const patient = patients[(index * 8 + slotIndex) % patients.length]!;
      await services.appointments.book(
        {
          patientId: patient.id,
          doctorId: doctor.id,
          start: slot.start.toISOString(),
          end: slot.end.toISOString(),
          reason: 'Follow-up consultation',
        },
        context,
      );
      appointments++;
    }
  }

  let admissions = 0;
  for (const [index, { priority, complaint }] of DEMO_COMPLAINTS.entries()) {
    await services.admissions.admit(
      {
        patientId: patients[50 + index]!.id,
        triagePriority: priority,
        chiefComplaint: complaint,
        departmentId: departments[0]!.id,
        doctorId: doctors[0]!.id,
        ward: 'ER',
        bed: `ER-${index + 1}`,
      },
      context,
    );
    admissions++;
  }
  await services.admissions.admit(
    {
      unidentifiedPatient: { sex: 'male', estimatedAgeYears: 40 },
      triagePriority: 2,
      chiefComplaint: 'Unconscious, found in the street',
      departmentId: departments[0]!.id,
    },
    context,
  );
  admissions++;

  let historyEntries = 0;
  for (const patient of patients.slice(0, 10)) {
    await services.history.add(
      patient.id,
      { type: 'allergy', text: 'Penicillin: rash', severity: 'moderate' },
      context,
    );
    await services.history.add(
      patient.id,
      { type: 'diagnosis', icd10Code: 'I10', text: 'Essential hypertension' },
      context,
    );
    await services.history.add(
      patient.id,
      { type: 'vital_signs', vitals: { systolicMmHg: 142, diastolicMmHg: 91, pulseBpm: 78 } },
      context,
    );
    historyEntries += 3;
  }
  return {
    departments: departments.length,
    doctors: doctors.length,
    patients: patients.length,
    appointments,
    admissions,
    historyEntries,
    users: users.map((user) => ({ username: user.username, role: user.role })),
    password,
  };
}
