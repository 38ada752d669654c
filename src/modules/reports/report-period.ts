import { ValidationError } from '../../shared/errors.js';

/** The calendar day of `instant` in `timeZone`, as YYYY-MM-DD. */
export function localDate(instant: Date, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

export interface Period {
  readonly from: string;
  readonly to: string;
}

/**
 * The report period: `from` and `to` are whole days in the hospital's time zone, both included. Without
 * them a report covers the current month up to today; with only `from`, up to today.
 */
export function resolvePeriod(
  requested: { readonly from?: string | undefined; readonly to?: string | undefined },
  timeZone: string,
  now: Date,
): Period {
  const to = requested.to ?? localDate(now, timeZone);
  const from = requested.from ?? `${to.slice(0, 7)}-01`;
  if (from > to) {
    throw new ValidationError('The period ends before it starts.', [
      { field: 'from', message: `must be on or before to (${to})` },
    ]);
  }
  return { from, to };
}
