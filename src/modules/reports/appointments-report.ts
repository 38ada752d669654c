import { Type, type Static } from 'typebox';
import type { Queryable } from '../../db/index.js';
import {
  PERIOD_END,
  PERIOD_START,
  rate,
  type Column,
  type ReportDefinition,
  type ReportScope,
} from './report-model.js';

const STATUSES = ['scheduled', 'checked_in', 'completed', 'cancelled', 'no_show'] as const;
type Status = (typeof STATUSES)[number];

const Count = Type.Integer({ minimum: 0 });
const Rate = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
  description:
    'No-shows of the appointments whose outcome is known (checked in, completed or no-show); null when none',
});

const StatusCounts = {
  appointments: Count,
  scheduled: Count,
  checkedIn: Count,
  completed: Count,
  cancelled: Count,
  noShows: Count,
  noShowRate: Rate,
};
const Nullable = Type.Union([Type.String(), Type.Null()]);

export const AppointmentsFigures = Type.Object({
  totals: Type.Object(StatusCounts),
  byStatus: Type.Array(Type.Object({ status: Type.String(), appointments: Count })),
  byDoctor: Type.Array(
    Type.Object({
      doctorId: Type.String(),
      doctorName: Type.String(),
      departmentName: Nullable,
      ...StatusCounts,
    }),
  ),
  byDepartment: Type.Array(
    Type.Object({
      departmentId: Nullable,
      departmentName: Type.String({ description: '"No department" for doctors not assigned to one' }),
      ...StatusCounts,
    }),
  ),
});
export type AppointmentsFigures = Static<typeof AppointmentsFigures>;
type Counts = Static<typeof AppointmentsFigures>['totals'];

interface GroupRow {
  readonly status: Status;
  readonly doctorId: string;
  readonly doctorName: string;
  readonly departmentId: string | null;
  readonly departmentName: string | null;
  readonly appointments: number;
}

const NO_DEPARTMENT = 'No department';

function countsOf(rows: readonly GroupRow[]): Counts {
  const of = (status: Status): number =>
    rows.filter((row) => row.status === status).reduce((sum, row) => sum + row.appointments, 0);
  const checkedIn = of('checked_in');
  const completed = of('completed');
  const noShows = of('no_show');
  return {
    appointments: rows.reduce((sum, row) => sum + row.appointments, 0),
    scheduled: of('scheduled'),
    checkedIn,
    completed,
    cancelled: of('cancelled'),
    noShows,
    noShowRate: rate(noShows, checkedIn + completed + noShows),
  };
}

function groupBy<K>(rows: readonly GroupRow[], keyOf: (row: GroupRow) => K): Map<K, GroupRow[]> {
  const groups = new Map<K, GroupRow[]>();
  for (const row of rows) {
    const key = keyOf(row);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return groups;
}

/** Appointments that start in the period, counted by status, doctor and the doctor's department. */
async function computeAppointments(db: Queryable, scope: ReportScope): Promise<AppointmentsFigures> {
  const result = await db.query<GroupRow>(
    `SELECT a.status, d.id AS "doctorId", d.name AS "doctorName", dep.id AS "departmentId",
            dep.name AS "departmentName", count(*) AS appointments
       FROM appointments a
       JOIN doctors d ON d.id = a.doctor_id
       LEFT JOIN departments dep ON dep.id = d.department_id
      WHERE a.starts_at >= ${PERIOD_START} AND a.starts_at < ${PERIOD_END}
        AND ($4::uuid IS NULL OR d.department_id = $4::uuid)
        AND ($5::uuid IS NULL OR d.id = $5::uuid)
      GROUP BY a.status, d.id, d.name, dep.id, dep.name
      ORDER BY d.name, d.id`,
    [scope.from, scope.to, scope.timeZone, scope.departmentId, scope.doctorId],
  );
  const rows = result.rows;
  const byDoctor = [...groupBy(rows, (row) => row.doctorId).values()].map((group) => ({
    doctorId: group[0]!.doctorId,
    doctorName: group[0]!.doctorName,
    departmentName: group[0]!.departmentName,
    ...countsOf(group),
  }));
  const byDepartment = [...groupBy(rows, (row) => row.departmentId).values()]
    .map((group) => ({
      departmentId: group[0]!.departmentId,
      departmentName: group[0]!.departmentName ?? NO_DEPARTMENT,
      ...countsOf(group),
    }))
    .sort((a, b) => a.departmentName.localeCompare(b.departmentName));
  const totals = countsOf(rows);
  return {
    totals,
    byStatus: STATUSES.map((status) => ({ status, appointments: totals[statusField(status)] })),
    byDoctor,
    byDepartment,
  };
}

function statusField(status: Status): 'scheduled' | 'checkedIn' | 'completed' | 'cancelled' | 'noShows' {
  switch (status) {
    case 'scheduled':
      return 'scheduled';
    case 'checked_in':
      return 'checkedIn';
    case 'completed':
      return 'completed';
    case 'cancelled':
      return 'cancelled';
    case 'no_show':
      return 'noShows';
  }
}

const COUNT_COLUMNS: readonly Column[] = [
  { key: 'appointments', label: 'Appointments', kind: 'count' },
  { key: 'scheduled', label: 'Scheduled', kind: 'count' },
  { key: 'checkedIn', label: 'Checked in', kind: 'count' },
  { key: 'completed', label: 'Completed', kind: 'count' },
  { key: 'cancelled', label: 'Cancelled', kind: 'count' },
  { key: 'noShows', label: 'No-shows', kind: 'count' },
  { key: 'noShowRate', label: 'No-show rate', kind: 'rate' },
];

export const appointmentsReport: ReportDefinition<AppointmentsFigures> = {
  name: 'appointments',
  title: 'Appointments',
  doctorsMayRead: false,
  sections: [
    { key: 'totals', title: 'Totals', columns: COUNT_COLUMNS },
    {
      key: 'byStatus',
      title: 'By status',
      columns: [
        { key: 'status', label: 'Status', kind: 'text' },
        { key: 'appointments', label: 'Appointments', kind: 'count' },
      ],
    },
    {
      key: 'byDoctor',
      title: 'By doctor',
      columns: [
        { key: 'doctorId', label: 'Doctor id', kind: 'id' },
        { key: 'doctorName', label: 'Doctor', kind: 'text' },
        { key: 'departmentName', label: 'Department', kind: 'text' },
        ...COUNT_COLUMNS,
      ],
    },
    {
      key: 'byDepartment',
      title: 'By department',
      columns: [
        { key: 'departmentId', label: 'Department id', kind: 'id' },
        { key: 'departmentName', label: 'Department', kind: 'text' },
        ...COUNT_COLUMNS,
      ],
    },
  ],
  compute: computeAppointments,
};
