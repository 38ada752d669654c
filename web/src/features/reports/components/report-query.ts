import type { Role } from '@/lib/session';

/** The reports the server has (src/modules/reports and /api/v1/reports/finance) and who may read them. */
export const REPORT_CATALOGUE = [
  {
    name: 'finance',
    title: 'Finance',
    description: 'Revenue by period, department and service; insurance against self-pay; what is owed.',
    roles: ['admin', 'finance'],
  },
  {
    name: 'patients',
    title: 'Patient registrations',
    description: 'New patients by sex, age band and month.',
    roles: ['admin', 'finance', 'department_head'],
  },
  {
    name: 'appointments',
    title: 'Appointments',
    description: 'Appointments by status, doctor and department, with the no-show rate.',
    roles: ['admin', 'finance', 'department_head'],
  },
  {
    name: 'doctor-performance',
    title: 'Doctor performance',
    description: 'Appointments completed, consultation times and revenue per doctor.',
    roles: ['admin', 'finance', 'department_head', 'doctor'],
  },
  {
    name: 'departments',
    title: 'Department analytics',
    description: 'Appointments, admissions, patients seen and length of stay per department.',
    roles: ['admin', 'finance', 'department_head'],
  },
] as const satisfies readonly {
  name: string;
  title: string;
  description: string;
  roles: readonly Role[];
}[];

export type ReportName = (typeof REPORT_CATALOGUE)[number]['name'];
export type ReportFormat = 'json' | 'csv' | 'pdf';

/** The reports a role may open; the server decides again (and narrows a doctor to their own figures). */
export function reportsFor(role: Role): (typeof REPORT_CATALOGUE)[number][] {
  return REPORT_CATALOGUE.filter((report) => (report.roles as readonly Role[]).includes(role));
}

/** A department head reads their own department's reports only, so must name it. */
export function departmentRequired(role: Role): boolean {
  return role === 'department_head';
}

export interface ReportFilterValues {
  report: ReportName;
  /** YYYY-MM-DD, both days included. */
  from: string;
  to: string;
  departmentId: string;
  /** Periods of the finance report's revenue table. */
  groupBy: 'day' | 'month';
}

/** This month up to `today` (YYYY-MM-DD), as the server defaults. */
export function defaultFilters(report: ReportName, today: string): ReportFilterValues {
  return { report, from: `${today.slice(0, 7)}-01`, to: today, departmentId: '', groupBy: 'month' };
}

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Why the filters cannot be sent, per field; empty when they can. */
export function filterProblems(values: ReportFilterValues, role: Role): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!DAY.test(values.from)) problems['from'] = 'Enter the first day.';
  if (!DAY.test(values.to)) problems['to'] = 'Enter the last day.';
  if (!problems['from'] && !problems['to'] && values.from > values.to) {
    problems['to'] = 'The period ends before it starts.';
  }
  if (departmentRequired(role) && !values.departmentId) {
    problems['departmentId'] = 'Choose your department.';
  }
  return problems;
}

/** The query of GET /api/v1/reports/{report}: blanks left out, groupBy only where the report has it. */
export function reportQuery(values: ReportFilterValues, format: ReportFormat): Record<string, string> {
  return {
    from: values.from,
    to: values.to,
    ...(values.departmentId ? { departmentId: values.departmentId } : {}),
    ...(values.report === 'finance' ? { groupBy: values.groupBy } : {}),
    ...(format === 'json' ? {} : { format }),
  };
}

export function reportPath(report: ReportName): string {
  return `/api/v1/reports/${report}`;
}

/** The report's address with its query, as the preview and the downloads request it. */
export function reportUrl(values: ReportFilterValues, format: ReportFormat): string {
  const query = new URLSearchParams(reportQuery(values, format)).toString();
  return `${reportPath(values.report)}?${query}`;
}
