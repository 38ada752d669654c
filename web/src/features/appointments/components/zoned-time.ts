/**
 * Calendar dates and times of day in the hospital's time zone (hospital.timezone), in which doctors'
 * working hours are set: a day of the calendar is a day there, whatever zone the browser is in.
 * Dates are `YYYY-MM-DD`, times `HH:MM`.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export interface ZonedMoment {
  readonly date: string;
  readonly time: string;
}

function zonedFields(instantMs: number, timeZone: string): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return fields;
}

const pad = (value: number, length = 2): string => String(value).padStart(length, '0');

/** The date and time of day an instant is in `timeZone`. */
export function zonedMoment(instant: string | number, timeZone: string): ZonedMoment {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  const fields = zonedFields(ms, timeZone);
  return {
    date: `${pad(fields['year']!, 4)}-${pad(fields['month']!)}-${pad(fields['day']!)}`,
    time: `${pad(fields['hour']! % 24)}:${pad(fields['minute']!)}`,
  };
}

/** How far `timeZone` is ahead of UTC at an instant, in milliseconds. */
function offsetMs(instantMs: number, timeZone: string): number {
  const fields = zonedFields(instantMs, timeZone);
  const asUtc = Date.UTC(
    fields['year']!,
    fields['month']! - 1,
    fields['day'],
    fields['hour']! % 24,
    fields['minute'],
    fields['second'],
  );
  return asUtc - (instantMs - (((instantMs % 1000) + 1000) % 1000));
}

/**
 * The instant at which the wall clock in `timeZone` shows `time` on `date`. A time skipped when clocks
 * go forward lands after the gap; a repeated time is one of its two instants.
 */
export function instantOfLocal(date: string, time: string, timeZone: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const first = wall - offsetMs(wall, timeZone);
  const second = wall - offsetMs(first, timeZone);
  if (first === second) return first;
  // Around a change of offset: the earlier instant that shows the asked-for time, else after the gap.
  const exact = [first, second]
    .sort((a, b) => a - b)
    .find((candidate) => {
      const moment = zonedMoment(candidate, timeZone);
      return moment.date === date && moment.time === time;
    });
  return exact ?? Math.max(first, second);
}

/** The browser's zone: the fallback until the hospital's is known. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Whether `timeZone` is one the browser knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** A calendar date plus `days` (negative goes back). */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const moved = new Date(Date.UTC(year, month - 1, day + days));
  return `${pad(moved.getUTCFullYear(), 4)}-${pad(moved.getUTCMonth() + 1)}-${pad(moved.getUTCDate())}`;
}

/** ISO weekday of a date: 1 = Monday ... 7 = Sunday. */
export function isoWeekday(date: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/** The Monday of the week `date` is in. */
export function mondayOf(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

/** Whether `value` is a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  return addDays(value, 0) === value;
}

/** Minutes since midnight of `HH:MM`. */
export function minutesOf(time: string): number {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return hour * 60 + minute;
}
