import type { Queryable } from '../../db/index.js';

/** Local midnight of today in $1 (the hospital's time zone), as an instant. */
const TODAY_START = `(date_trunc('day', now() AT TIME ZONE $1::text) AT TIME ZONE $1::text)`;
const TOMORROW_START = `((date_trunc('day', now() AT TIME ZONE $1::text) + interval '1 day') AT TIME ZONE $1::text)`;
const MONTH_START = `(date_trunc('month', now() AT TIME ZONE $1::text) AT TIME ZONE $1::text)`;

export async function findToday(db: Queryable, timeZone: string): Promise<string> {
  const result = await db.query<{ today: string }>(
    `SELECT to_char(now() AT TIME ZONE $1::text, 'YYYY-MM-DD') AS today`,
    [timeZone],
  );
  return result.rows[0]!.today;
}

/**
 * Active (not archived) patients, and registrations since the first of this month; a record merged
 * into another is not a registration of its own.
 */
export async function countPatients(
  db: Queryable,
  timeZone: string,
): Promise<{ total: number; newThisMonth: number }> {
  const result = await db.query<{ total: number; newThisMonth: number }>(
    `SELECT (SELECT count(*) FROM patients WHERE NOT archived) AS total,
            (SELECT count(*) FROM patients
              WHERE merged_into_patient_id IS NULL AND created_at >= ${MONTH_START}) AS "newThisMonth"`,
    [timeZone],
  );
  return result.rows[0]!;
}

export async function countTodaysAppointmentsByStatus(
  db: Queryable,
  timeZone: string,
): Promise<{ status: string; appointments: number }[]> {
  const result = await db.query<{ status: string; appointments: number }>(
    `SELECT status, count(*) AS appointments FROM appointments
      WHERE starts_at >= ${TODAY_START} AND starts_at < ${TOMORROW_START}
      GROUP BY status`,
    [timeZone],
  );
  return result.rows;
}

export async function countOpenAdmissionsByPriority(
  db: Queryable,
): Promise<{ priority: number; admissions: number }[]> {
  const result = await db.query<{ priority: number; admissions: number }>(
    `SELECT triage_priority AS priority, count(*) AS admissions FROM admissions
      WHERE status <> 'discharged' GROUP BY triage_priority`,
  );
  return result.rows;
}

/**
 * Revenue as the finance report counts it (accrual: invoices issued since the first of this month, void
 * and drafts left out, subtotal less discount), and what issued invoices still have outstanding now.
 */
export async function sumRevenue(
  db: Queryable,
  timeZone: string,
): Promise<{ thisMonthCents: number; outstandingCents: number }> {
  const result = await db.query<{ thisMonthCents: number; outstandingCents: number }>(
    `SELECT (SELECT coalesce(sum(subtotal_cents - discount_cents), 0) FROM invoices
              WHERE status IN ('issued', 'partially_paid', 'paid')
                AND issue_date >= date_trunc('month', now() AT TIME ZONE $1::text)::date
                AND issue_date <= (now() AT TIME ZONE $1::text)::date) AS "thisMonthCents",
            (SELECT coalesce(sum(outstanding_cents), 0) FROM invoices
              WHERE status IN ('issued', 'partially_paid')) AS "outstandingCents"`,
    [timeZone],
  );
  return result.rows[0]!;
}
