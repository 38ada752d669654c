import type { Dashboard } from '../api/get-dashboard';

export interface ChartPoint {
  readonly label: string;
  readonly count: number;
}

type StatusCounts = NonNullable<Dashboard['appointmentsToday']>['byStatus'];

/** Today's appointments as bars, in the order a day runs. */
export function appointmentsByStatus(byStatus: StatusCounts): ChartPoint[] {
  return [
    { label: 'Scheduled', count: byStatus.scheduled },
    { label: 'Checked in', count: byStatus.checkedIn },
    { label: 'Completed', count: byStatus.completed },
    { label: 'Cancelled', count: byStatus.cancelled },
    { label: 'No-show', count: byStatus.noShow },
  ];
}

const PRIORITY_NAMES: Readonly<Record<number, string>> = {
  1: 'Resuscitation',
  2: 'Emergent',
  3: 'Urgent',
  4: 'Less urgent',
  5: 'Non-urgent',
};

/** Open admissions per triage priority 1-5, every priority shown even when none are open. */
export function admissionsByPriority(
  byPriority: readonly { readonly priority: number; readonly admissions: number }[],
): ChartPoint[] {
  return [1, 2, 3, 4, 5].map((priority) => ({
    label: `${priority} ${PRIORITY_NAMES[priority]}`,
    count: byPriority.find((entry) => entry.priority === priority)?.admissions ?? 0,
  }));
}

/** The chart's numbers as a sentence, for screen readers and for anyone who prefers text. */
export function chartSummary(points: readonly ChartPoint[], by: string): string {
  const total = points.reduce((sum, point) => sum + point.count, 0);
  if (total === 0) return `None yet by ${by}.`;
  return `By ${by}: ${points.map((point) => `${point.label} ${point.count}`).join(', ')}.`;
}
