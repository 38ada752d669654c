import { Type, type Static } from 'typebox';
import type { Queryable } from '../../db/index.js';
import {
  mean,
  PERIOD_END,
  PERIOD_START,
  type Column,
  type ReportDefinition,
  type ReportScope,
} from './report-model.js';

const Count = Type.Integer({ minimum: 0 });

const DepartmentCounts = {
  appointments: Type.Integer({ minimum: 0, description: "Appointments with the department's doctors" }),
  completedAppointments: Count,
  admissions: Type.Integer({ minimum: 0, description: 'Arrivals in the period' }),
  patientsSeen: Type.Integer({
    minimum: 0,
    description: 'Distinct patients checked in or seen by appointment, or admitted, in the period',
  }),
  discharges: Count,
  averageLengthOfStayHours: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
    description: 'Arrival to discharge, of the admissions discharged in the period; null when none',
  }),
};

export const DepartmentsFigures = Type.Object({
  totals: Type.Object({ departments: Count, ...DepartmentCounts }),
  byDepartment: Type.Array(
    Type.Object({
      departmentId: Type.String(),
      code: Type.String(),
      departmentName: Type.String(),
      ...DepartmentCounts,
    }),
  ),
});
export type DepartmentsFigures = Static<typeof DepartmentsFigures>;

interface DepartmentRow {
  readonly departmentId: string;
  readonly code: string;
  readonly departmentName: string;
  readonly appointments: number;
  readonly completedAppointments: number;
  readonly admissions: number;
  readonly patientsSeen: number;
  readonly discharges: number;
  readonly staySeconds: number;
}

/**
 * The period's activity per department ($1..$3; $4 one department). An appointment belongs to its
 * doctor's department; an admission to the department it is in now (after any transfer).
 */
const ACTIVITY = `
  WITH period_appointments AS (
    SELECT d.department_id, a.patient_id, a.status
      FROM appointments a JOIN doctors d ON d.id = a.doctor_id
     WHERE a.starts_at >= ${PERIOD_START} AND a.starts_at < ${PERIOD_END} AND d.department_id IS NOT NULL
  ), period_admissions AS (
    SELECT department_id, patient_id FROM admissions
     WHERE arrived_at >= ${PERIOD_START} AND arrived_at < ${PERIOD_END} AND department_id IS NOT NULL
  ), period_discharges AS (
    SELECT department_id, extract(epoch FROM discharged_at - arrived_at) AS seconds FROM admissions
     WHERE discharged_at >= ${PERIOD_START} AND discharged_at < ${PERIOD_END} AND department_id IS NOT NULL
  ), seen AS (
    SELECT department_id, patient_id FROM period_appointments WHERE status IN ('checked_in', 'completed')
    UNION
    SELECT department_id, patient_id FROM period_admissions
  )`;

async function computeDepartments(db: Queryable, scope: ReportScope): Promise<DepartmentsFigures> {
  const parameters = [scope.from, scope.to, scope.timeZone, scope.departmentId];
  const result = await db.query<DepartmentRow>(
    `${ACTIVITY}
     SELECT * FROM (
       SELECT dep.id AS "departmentId", dep.code, dep.name AS "departmentName", dep.archived,
              (SELECT count(*) FROM period_appointments x WHERE x.department_id = dep.id) AS appointments,
              (SELECT count(*) FROM period_appointments x
                WHERE x.department_id = dep.id AND x.status = 'completed') AS "completedAppointments",
              (SELECT count(*) FROM period_admissions x WHERE x.department_id = dep.id) AS admissions,
              (SELECT count(*) FROM seen x WHERE x.department_id = dep.id) AS "patientsSeen",
              (SELECT count(*) FROM period_discharges x WHERE x.department_id = dep.id) AS discharges,
              (SELECT coalesce(sum(x.seconds), 0) FROM period_discharges x WHERE x.department_id = dep.id)
                AS "staySeconds"
         FROM departments dep
        WHERE $4::uuid IS NULL OR dep.id = $4::uuid
     ) per_department
     WHERE NOT archived OR appointments > 0 OR admissions > 0 OR discharges > 0
     ORDER BY "departmentName", "departmentId"`,
    parameters,
  );
  // The same patient seen by two departments is one patient in the totals.
  const distinct = await db.query<{ patients: number }>(
    `${ACTIVITY}
     SELECT count(DISTINCT patient_id) AS patients FROM seen WHERE $4::uuid IS NULL OR department_id = $4::uuid`,
    parameters,
  );
  const rows = result.rows;
  const sum = (field: keyof DepartmentRow): number =>
    rows.reduce((total, row) => total + (row[field] as number), 0);
  return {
    totals: {
      departments: rows.length,
      appointments: sum('appointments'),
      completedAppointments: sum('completedAppointments'),
      admissions: sum('admissions'),
      patientsSeen: distinct.rows[0]?.patients ?? 0,
      discharges: sum('discharges'),
      averageLengthOfStayHours: mean(sum('staySeconds') / 3600, sum('discharges'), 2),
    },
    byDepartment: rows.map((row) => ({
      departmentId: row.departmentId,
      code: row.code,
      departmentName: row.departmentName,
      appointments: row.appointments,
      completedAppointments: row.completedAppointments,
      admissions: row.admissions,
      patientsSeen: row.patientsSeen,
      discharges: row.discharges,
      averageLengthOfStayHours: mean(row.staySeconds / 3600, row.discharges, 2),
    })),
  };
}

const COUNT_COLUMNS: readonly Column[] = [
  { key: 'appointments', label: 'Appointments', kind: 'count' },
  { key: 'completedAppointments', label: 'Completed appointments', kind: 'count' },
  { key: 'admissions', label: 'Admissions', kind: 'count' },
  { key: 'patientsSeen', label: 'Patients seen', kind: 'count' },
  { key: 'discharges', label: 'Discharges', kind: 'count' },
  { key: 'averageLengthOfStayHours', label: 'Average length of stay (h)', kind: 'decimal' },
];

export const departmentsReport: ReportDefinition<DepartmentsFigures> = {
  name: 'departments',
  title: 'Department analytics',
  doctorsMayRead: false,
  sections: [
    {
      key: 'totals',
      title: 'Totals',
      columns: [{ key: 'departments', label: 'Departments', kind: 'count' }, ...COUNT_COLUMNS],
    },
    {
      key: 'byDepartment',
      title: 'By department',
      columns: [
        { key: 'departmentId', label: 'Department id', kind: 'id' },
        { key: 'code', label: 'Code', kind: 'text' },
        { key: 'departmentName', label: 'Department', kind: 'text' },
        ...COUNT_COLUMNS,
      ],
    },
  ],
  compute: computeDepartments,
};
