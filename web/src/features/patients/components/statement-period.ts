import type { StatementPeriod } from '../api/statement';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The last 12 months up to `today` (YYYY-MM-DD): from the same day a year before; 29 Feb becomes 28 Feb. */
export function defaultStatementPeriod(today: string): StatementPeriod {
  const match = DAY.exec(today);
  if (!match) return { from: today, to: today };
  const year = Number(match[1]) - 1;
  const month = Number(match[2]);
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(Number(match[3]), lastDay);
  return { from: `${year}-${match[2]}-${String(day).padStart(2, '0')}`, to: today };
}

/** Why the server would refuse this period, in words for the form; undefined when it may be asked for. */
export function statementPeriodProblem(period: StatementPeriod): string | undefined {
  if (!DAY.test(period.from) || !DAY.test(period.to)) return 'Choose both days of the period.';
  if (period.from > period.to) return 'The period ends before it starts.';
  return undefined;
}
