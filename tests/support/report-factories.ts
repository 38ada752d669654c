import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from './test-app.js';

/**
 * Rows for the report and dashboard tests, written with SQL: reports are about the past, so these set
 * the timestamps (registration, appointment times, check-in, arrival) that the API would set to now.
 */

let sequence = 0;
const next = (): number => ++sequence;

export async function accountIdOf(t: TestApp, token: string): Promise<string> {
  const response = await t.app.api.inject({
    method: 'GET',
    url: '/api/v1/auth/me',
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.statusCode !== 200) throw new Error(`auth/me: ${response.statusCode} ${response.body}`);
  return response.json<{ id: string }>().id;
}

export async function insertPatientAt(
  t: TestApp,
  values: {
    createdAt: string;
    dateOfBirth?: string;
    sex?: 'female' | 'male' | 'other' | 'unknown';
    mergedInto?: string;
  },
): Promise<{ id: string; mrn: string }> {
  const result = await t.database.db.query<{ id: string; mrn: string }>(
    `INSERT INTO patients (name, date_of_birth, sex, created_at, updated_at, merged_into_patient_id, archived)
     VALUES ($1, $2, $3, $4, $4, $5::uuid, $5::uuid IS NOT NULL) RETURNING id, mrn`,
    [
      `Report Patient ${next()}`,
      values.dateOfBirth ?? '1980-01-01',
      values.sex ?? 'unknown',
      values.createdAt,
      values.mergedInto ?? null,
    ],
  );
  return result.rows[0]!;
}

export async function insertAppointmentAt(
  t: TestApp,
  values: {
    patientId: string;
    doctorId: string;
    startsAt: string;
    status: 'scheduled' | 'checked_in' | 'completed' | 'cancelled' | 'no_show';
    checkedInAt?: string;
    completedAt?: string;
  },
): Promise<string> {
  const result = await t.database.db.query<{ id: string }>(
    `INSERT INTO appointments (patient_id, doctor_id, starts_at, ends_at, status, checked_in_at, completed_at,
                               cancelled_at)
     VALUES ($1, $2, $3::timestamptz, $3::timestamptz + interval '30 minutes', $4::text, $5::timestamptz,
             $6::timestamptz, CASE WHEN $4::text = 'cancelled' THEN $3::timestamptz END)
     RETURNING id`,
    [
      values.patientId,
      values.doctorId,
      values.startsAt,
      values.status,
      values.checkedInAt ?? null,
      values.completedAt ?? null,
    ],
  );
  return result.rows[0]!.id;
}

export async function insertAdmissionAt(
  t: TestApp,
  values: {
    patientId: string;
    departmentId: string | null;
    priority: number;
    arrivedAt: string;
    dischargedAt?: string;
  },
): Promise<string> {
  const result = await t.database.db.query<{ id: string }>(
    `INSERT INTO admissions (patient_id, triage_priority, chief_complaint, arrived_at, department_id, status,
                             discharged_at, discharge_disposition)
     VALUES ($1, $2, 'Chest pain', $3::timestamptz, $4::uuid, CASE WHEN $5::timestamptz IS NULL THEN 'admitted' ELSE 'discharged' END,
             $5::timestamptz, CASE WHEN $5::timestamptz IS NULL THEN NULL ELSE 'home' END)
     RETURNING id`,
    [values.patientId, values.priority, values.arrivedAt, values.departmentId, values.dischargedAt ?? null],
  );
  return result.rows[0]!.id;
}

/** An invoice in a given state; amounts as the billing module would have computed them. */
export async function insertInvoiceAt(
  t: TestApp,
  values: {
    patientId: string;
    status: 'draft' | 'issued' | 'partially_paid' | 'paid' | 'void';
    subtotalCents: number;
    discountCents?: number;
    taxCents?: number;
    paidCents?: number;
    issueDate?: string;
    appointmentId?: string;
    admissionId?: string;
  },
): Promise<string> {
  const discount = values.discountCents ?? 0;
  const tax = values.taxCents ?? 0;
  const draft = values.status === 'draft';
  const result = await t.database.db.query<{ id: string }>(
    `INSERT INTO invoices (number, patient_id, status, appointment_id, admission_id, subtotal_cents, discount_cents,
                           tax_cents, total_cents, paid_cents, issue_date, issued_at, voided_at, void_reason)
     VALUES ($1, $2, $3::text, $4::uuid, $5::uuid, $6::bigint, $7::bigint, $8::bigint, $6::bigint - $7::bigint + $8::bigint,
             $9, $10::date, $11::timestamptz,
             CASE WHEN $3::text = 'void' THEN now() END, CASE WHEN $3::text = 'void' THEN 'Entered twice' END)
     RETURNING id`,
    [
      draft ? null : `T-${Date.now().toString(36)}-${next()}`,
      values.patientId,
      values.status,
      values.appointmentId ?? null,
      values.admissionId ?? null,
      values.subtotalCents,
      discount,
      tax,
      values.paidCents ?? 0,
      draft ? null : (values.issueDate ?? null),
      draft ? null : `${values.issueDate ?? '2025-01-01'}T09:00:00Z`,
    ],
  );
  return result.rows[0]!.id;
}

/** Links the token's user to a doctor record (doctors.user_id). */
export async function linkUserToDoctor(t: TestApp, token: string, doctorId: string): Promise<void> {
  await t.database.db.query('UPDATE doctors SET user_id = $1 WHERE id = $2', [
    await accountIdOf(t, token),
    doctorId,
  ]);
}

export async function getReport(
  t: TestApp,
  token: string,
  report: string,
  query: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return t.app.api.inject({
    method: 'GET',
    url: `/api/v1/reports/${report}`,
    query,
    headers: { authorization: `Bearer ${token}` },
  });
}
