import { Type, type Static } from 'typebox';
import { keysetRows } from '../../db/keyset.js';
import type { Queryable } from '../../db/index.js';
import {
  PERIOD_END,
  PERIOD_START,
  type ReportDefinition,
  type ReportRow,
  type ReportScope,
  type RowExport,
} from './report-model.js';

const SEXES = ['female', 'male', 'other', 'unknown'] as const;

/** Age at registration, in bands; the last band has no upper bound. */
export const AGE_BANDS = [
  { label: '0-17', below: 18 },
  { label: '18-29', below: 30 },
  { label: '30-44', below: 45 },
  { label: '45-59', below: 60 },
  { label: '60-74', below: 75 },
  { label: '75+', below: undefined },
] as const;

const AGE_AT_REGISTRATION = `extract(year FROM age((p.created_at AT TIME ZONE $3::text)::date, p.date_of_birth))`;
const AGE_BAND = `CASE ${AGE_BANDS.map((band) =>
  band.below === undefined
    ? `ELSE '${band.label}'`
    : `WHEN ${AGE_AT_REGISTRATION} < ${band.below} THEN '${band.label}'`,
).join(' ')} END`;

/**
 * Registrations in the period ($1..$3), of one department's patients when $4 is set: those with an
 * appointment with one of its doctors or an admission to it. A record merged into another (a duplicate
 * or an identified emergency arrival) is not a registration of its own.
 */
const REGISTERED_IN_PERIOD = `
  FROM patients p
 WHERE p.created_at >= ${PERIOD_START} AND p.created_at < ${PERIOD_END}
   AND p.merged_into_patient_id IS NULL
   AND ($4::uuid IS NULL
        OR EXISTS (SELECT 1 FROM appointments a JOIN doctors d ON d.id = a.doctor_id
                    WHERE a.patient_id = p.id AND d.department_id = $4::uuid)
        OR EXISTS (SELECT 1 FROM admissions ad WHERE ad.patient_id = p.id AND ad.department_id = $4::uuid))`;

const Count = Type.Integer({ minimum: 0 });

export const PatientsFigures = Type.Object({
  totals: Type.Object({ registrations: Count }),
  bySex: Type.Array(Type.Object({ sex: Type.String(), patients: Count })),
  byAgeBand: Type.Array(
    Type.Object({ ageBand: Type.String({ description: 'Age at registration' }), patients: Count }),
  ),
  byMonth: Type.Array(
    Type.Object({ month: Type.String({ description: 'YYYY-MM in hospital.timezone' }), patients: Count }),
  ),
});
export type PatientsFigures = Static<typeof PatientsFigures>;

interface GroupRow {
  readonly sex: string;
  readonly ageBand: string;
  readonly month: string;
  readonly patients: number;
}

function scopeParameters(scope: ReportScope): unknown[] {
  return [scope.from, scope.to, scope.timeZone, scope.departmentId];
}

/** Every month the period touches, so that a month without registrations shows as 0. */
function monthsOf(from: string, to: string): string[] {
  const months: string[] = [];
  let year = Number(from.slice(0, 4));
  let month = Number(from.slice(5, 7));
  const last = to.slice(0, 7);
  for (;;) {
    const label = `${year}-${String(month).padStart(2, '0')}`;
    months.push(label);
    if (label >= last) return months;
    month = month === 12 ? 1 : month + 1;
    if (month === 1) year++;
  }
}

async function computePatients(db: Queryable, scope: ReportScope): Promise<PatientsFigures> {
  const result = await db.query<GroupRow>(
    `SELECT p.sex, ${AGE_BAND} AS "ageBand",
            to_char(p.created_at AT TIME ZONE $3::text, 'YYYY-MM') AS month, count(*) AS patients
     ${REGISTERED_IN_PERIOD}
     GROUP BY 1, 2, 3`,
    scopeParameters(scope),
  );
  const total = (match: (row: GroupRow) => boolean): number =>
    result.rows.filter(match).reduce((sum, row) => sum + row.patients, 0);
  return {
    totals: { registrations: total(() => true) },
    bySex: SEXES.map((sex) => ({ sex, patients: total((row) => row.sex === sex) })),
    byAgeBand: AGE_BANDS.map(({ label }) => ({
      ageBand: label,
      patients: total((row) => row.ageBand === label),
    })),
    byMonth: monthsOf(scope.from, scope.to).map((month) => ({
      month,
      patients: total((row) => row.month === month),
    })),
  };
}

const PAGE_SIZE = 2000;

/**
 * One line per registered patient, without names: MRN order, which is registration order and is served
 * by the unique MRN index, so every page is an index range scan however large the table.
 */
const patientRows: RowExport = {
  columns: [
    { key: 'mrn', label: 'MRN', kind: 'text' },
    { key: 'registeredOn', label: 'Registered on', kind: 'text' },
    { key: 'sex', label: 'Sex', kind: 'text' },
    { key: 'ageBand', label: 'Age band', kind: 'text' },
  ],
  rows(db: Queryable, scope: ReportScope): AsyncIterable<ReportRow> {
    return keysetRows<ReportRow, string>({
      pageSize: PAGE_SIZE,
      keyOf: (row) => row['mrn'] as string,
      fetchPage: async (after, limit) => {
        const result = await db.query<ReportRow>(
          `SELECT p.mrn, to_char(p.created_at AT TIME ZONE $3::text, 'YYYY-MM-DD') AS "registeredOn",
                  p.sex, ${AGE_BAND} AS "ageBand"
           ${REGISTERED_IN_PERIOD}
             AND p.mrn > $5
           ORDER BY p.mrn
           LIMIT $6`,
          [...scopeParameters(scope), after ?? '', limit],
        );
        return result.rows;
      },
    });
  },
};

export const patientsReport: ReportDefinition<PatientsFigures> = {
  name: 'patients',
  title: 'Patient registrations',
  doctorsMayRead: false,
  sections: [
    {
      key: 'totals',
      title: 'Totals',
      columns: [{ key: 'registrations', label: 'Registrations', kind: 'count' }],
    },
    {
      key: 'bySex',
      title: 'By sex',
      columns: [
        { key: 'sex', label: 'Sex', kind: 'text' },
        { key: 'patients', label: 'Patients', kind: 'count' },
      ],
    },
    {
      key: 'byAgeBand',
      title: 'By age at registration',
      columns: [
        { key: 'ageBand', label: 'Age band', kind: 'text' },
        { key: 'patients', label: 'Patients', kind: 'count' },
      ],
    },
    {
      key: 'byMonth',
      title: 'By month',
      columns: [
        { key: 'month', label: 'Month', kind: 'text' },
        { key: 'patients', label: 'Patients', kind: 'count' },
      ],
    },
  ],
  compute: computePatients,
  rowExport: patientRows,
};
