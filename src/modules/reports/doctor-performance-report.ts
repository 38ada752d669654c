import { Type, type Static } from 'typebox';
import type { Queryable } from '../../db/index.js';
import {
  mean,
  PERIOD_END,
  PERIOD_START,
  rate,
  type Column,
  type ReportDefinition,
  type ReportScope,
} from './report-model.js';

const Count = Type.Integer({ minimum: 0 });
const Nullable = Type.Union([Type.String(), Type.Null()]);

const PerformanceCounts = {
  appointments: Count,
  completed: Count,
  cancelled: Count,
  noShows: Count,
  completionRate: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
    description: 'Completed of the appointments not cancelled; null when none',
  }),
  timedConsultations: Type.Integer({
    minimum: 0,
    description: 'Completed appointments with a check-in time, over which the average is taken',
  }),
  averageConsultationMinutes: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
    description: 'From check-in to completion; null when no consultation was timed',
  }),
  revenueCents: Type.Integer({
    minimum: 0,
    description:
      "Invoices issued in the period for the doctor's appointments or admissions, void ones left out: subtotal less discount, before tax (as in the finance report)",
  }),
};

export const DoctorPerformanceFigures = Type.Object({
  totals: Type.Object({ doctors: Count, ...PerformanceCounts }),
  byDoctor: Type.Array(
    Type.Object({
      doctorId: Type.String(),
      doctorName: Type.String(),
      departmentId: Nullable,
      departmentName: Nullable,
      ...PerformanceCounts,
    }),
  ),
});
export type DoctorPerformanceFigures = Static<typeof DoctorPerformanceFigures>;

interface DoctorRow {
  readonly doctorId: string;
  readonly doctorName: string;
  readonly departmentId: string | null;
  readonly departmentName: string | null;
  readonly appointments: number;
  readonly completed: number;
  readonly cancelled: number;
  readonly noShows: number;
  readonly timedConsultations: number;
  readonly consultationSeconds: number;
  readonly revenueCents: number;
}

const TIMED = `a.status = 'completed' AND a.checked_in_at IS NOT NULL AND a.completed_at >= a.checked_in_at`;

function performanceOf(row: Omit<DoctorRow, 'doctorId' | 'doctorName' | 'departmentId' | 'departmentName'>) {
  return {
    appointments: row.appointments,
    completed: row.completed,
    cancelled: row.cancelled,
    noShows: row.noShows,
    completionRate: rate(row.completed, row.appointments - row.cancelled),
    timedConsultations: row.timedConsultations,
    averageConsultationMinutes: mean(row.consultationSeconds / 60, row.timedConsultations, 1),
    revenueCents: row.revenueCents,
  };
}

/**
 * Revenue is accrual, as in the finance report: invoices issued in the period (their issue date is a
 * day in the hospital's time zone), void and draft ones left out, subtotal less discount. An invoice
 * belongs to the doctor of its appointment, else of its admission.
 */
const REVENUE_BY_DOCTOR = `
  SELECT coalesce(ia.doctor_id, iad.doctor_id) AS doctor_id,
         sum(i.subtotal_cents - i.discount_cents) AS cents
    FROM invoices i
    LEFT JOIN appointments ia ON ia.id = i.appointment_id
    LEFT JOIN admissions iad ON iad.id = i.admission_id
   WHERE i.status IN ('issued', 'partially_paid', 'paid') AND i.issue_date BETWEEN $1::date AND $2::date
   GROUP BY 1`;

/**
 * Per doctor, the appointments that start in the period. Every active doctor is listed, with zeros when
 * idle; an archived doctor only when they had appointments or revenue in the period.
 */
async function computeDoctorPerformance(
  db: Queryable,
  scope: ReportScope,
): Promise<DoctorPerformanceFigures> {
  const result = await db.query<DoctorRow>(
    `WITH revenue AS (${REVENUE_BY_DOCTOR})
     SELECT d.id AS "doctorId", d.name AS "doctorName", dep.id AS "departmentId", dep.name AS "departmentName",
            count(a.id) AS appointments,
            count(a.id) FILTER (WHERE a.status = 'completed') AS completed,
            count(a.id) FILTER (WHERE a.status = 'cancelled') AS cancelled,
            count(a.id) FILTER (WHERE a.status = 'no_show') AS "noShows",
            count(a.id) FILTER (WHERE ${TIMED}) AS "timedConsultations",
            coalesce(sum(extract(epoch FROM a.completed_at - a.checked_in_at)) FILTER (WHERE ${TIMED}), 0)
              AS "consultationSeconds",
            -- one revenue row per doctor, repeated on each appointment row of the join
            coalesce(max(r.cents), 0) AS "revenueCents"
       FROM doctors d
       LEFT JOIN departments dep ON dep.id = d.department_id
       LEFT JOIN revenue r ON r.doctor_id = d.id
       LEFT JOIN appointments a
              ON a.doctor_id = d.id AND a.starts_at >= ${PERIOD_START} AND a.starts_at < ${PERIOD_END}
      WHERE ($4::uuid IS NULL OR d.department_id = $4::uuid)
        AND ($5::uuid IS NULL OR d.id = $5::uuid)
      GROUP BY d.id, d.name, d.archived, dep.id, dep.name
     HAVING NOT d.archived OR count(a.id) > 0 OR coalesce(max(r.cents), 0) > 0
      ORDER BY d.name, d.id`,
    [scope.from, scope.to, scope.timeZone, scope.departmentId, scope.doctorId],
  );
  const sum = (field: keyof DoctorRow): number =>
    result.rows.reduce((total, row) => total + (row[field] as number), 0);
  return {
    totals: {
      doctors: result.rows.length,
      ...performanceOf({
        appointments: sum('appointments'),
        completed: sum('completed'),
        cancelled: sum('cancelled'),
        noShows: sum('noShows'),
        timedConsultations: sum('timedConsultations'),
        consultationSeconds: sum('consultationSeconds'),
        revenueCents: sum('revenueCents'),
      }),
    },
    byDoctor: result.rows.map((row) => ({
      doctorId: row.doctorId,
      doctorName: row.doctorName,
      departmentId: row.departmentId,
      departmentName: row.departmentName,
      ...performanceOf(row),
    })),
  };
}

const PERFORMANCE_COLUMNS: readonly Column[] = [
  { key: 'appointments', label: 'Appointments', kind: 'count' },
  { key: 'completed', label: 'Completed', kind: 'count' },
  { key: 'cancelled', label: 'Cancelled', kind: 'count' },
  { key: 'noShows', label: 'No-shows', kind: 'count' },
  { key: 'completionRate', label: 'Completion rate', kind: 'rate' },
  { key: 'timedConsultations', label: 'Timed consultations', kind: 'count' },
  { key: 'averageConsultationMinutes', label: 'Average consultation (min)', kind: 'decimal' },
  { key: 'revenueCents', label: 'Revenue', kind: 'cents' },
];

export const doctorPerformanceReport: ReportDefinition<DoctorPerformanceFigures> = {
  name: 'doctor-performance',
  title: 'Doctor performance',
  doctorsMayRead: true,
  sections: [
    {
      key: 'totals',
      title: 'Totals',
      columns: [{ key: 'doctors', label: 'Doctors', kind: 'count' }, ...PERFORMANCE_COLUMNS],
    },
    {
      key: 'byDoctor',
      title: 'By doctor',
      columns: [
        { key: 'doctorId', label: 'Doctor id', kind: 'id' },
        { key: 'doctorName', label: 'Doctor', kind: 'text' },
        { key: 'departmentId', label: 'Department id', kind: 'id' },
        { key: 'departmentName', label: 'Department', kind: 'text' },
        ...PERFORMANCE_COLUMNS,
      ],
    },
  ],
  compute: computeDoctorPerformance,
};
