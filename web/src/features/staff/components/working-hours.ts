import type { WorkingInterval } from '../api/doctors';

export const WEEKDAYS: readonly { readonly weekday: number; readonly name: string }[] = [
  { weekday: 1, name: 'Monday' },
  { weekday: 2, name: 'Tuesday' },
  { weekday: 3, name: 'Wednesday' },
  { weekday: 4, name: 'Thursday' },
  { weekday: 5, name: 'Friday' },
  { weekday: 6, name: 'Saturday' },
  { weekday: 7, name: 'Sunday' },
];

/** One interval as the editor holds it: times as the time inputs give them (HH:MM, 00:00 to 23:59). */
export interface HoursRow {
  readonly key: string;
  readonly weekday: number;
  readonly start: string;
  readonly end: string;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MINUTES = 24 * 60;

/** Minutes after midnight of HH:MM (seconds, which some browsers add, are ignored); undefined when not a time. */
export function minuteOfDay(time: string): number | undefined {
  const match = TIME.exec(time.slice(0, 5));
  if (!match || (time.length > 5 && !/^:\d{2}(\.\d+)?$/.test(time.slice(5)))) return undefined;
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * The end of an interval in minutes: a time input cannot show 24:00, so an end of 00:00 means
 * midnight at the end of the day (a shift ending at midnight), never the start of it.
 */
function endMinute(time: string): number | undefined {
  const minute = minuteOfDay(time);
  return minute === 0 ? DAY_MINUTES : minute;
}

let lastKey = 0;
export function newRowKey(): string {
  lastKey += 1;
  return `row-${lastKey}`;
}

/** The server's intervals as editor rows; its 24:00 shows as 00:00. */
export function rowsFromHours(hours: readonly WorkingInterval[]): HoursRow[] {
  return hours.map((interval) => ({
    key: newRowKey(),
    weekday: interval.weekday,
    start: interval.start,
    end: interval.end === '24:00' ? '00:00' : interval.end,
  }));
}

/**
 * What is wrong with each row, keyed by row: a missing or malformed time, an end not after the start,
 * or an overlap with an earlier interval of the same day (the server refuses those). Intervals that
 * touch (08:00-12:00 and 12:00-17:00) are fine; a gap between two is a break.
 */
export function validateHoursRows(rows: readonly HoursRow[]): Record<string, string> {
  const errors: Record<string, string> = {};
  const parsed = rows.map((row) => ({ row, start: minuteOfDay(row.start), end: endMinute(row.end) }));
  parsed.forEach(({ row, start, end }, index) => {
    if (start === undefined) {
      errors[row.key] = 'Enter the start time.';
      return;
    }
    if (end === undefined) {
      errors[row.key] = 'Enter the end time.';
      return;
    }
    if (end <= start) {
      errors[row.key] = 'The end must be after the start.';
      return;
    }
    const clash = parsed.find(
      (other, otherIndex) =>
        otherIndex < index &&
        other.row.weekday === row.weekday &&
        other.start !== undefined &&
        other.end !== undefined &&
        other.start < end &&
        start < other.end,
    );
    if (clash) errors[row.key] = `Overlaps ${clash.row.start}–${formatEnd(clash.row.end)}.`;
  });
  return errors;
}

function formatEnd(end: string): string {
  return end.startsWith('00:00') ? '24:00' : end.slice(0, 5);
}

/** The rows as the API takes them (PUT working-hours), sorted by day and start; 00:00 ends become 24:00. */
export function hoursFromRows(rows: readonly HoursRow[]): WorkingInterval[] {
  return rows
    .map((row) => ({ weekday: row.weekday, start: row.start.slice(0, 5), end: formatEnd(row.end) }))
    .sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start));
}

/** One day's hours for reading, `08:00–12:00, 13:00–17:00`, or `Not working`. */
export function describeDay(hours: readonly WorkingInterval[], weekday: number): string {
  const day = hours
    .filter((interval) => interval.weekday === weekday)
    .sort((a, b) => a.start.localeCompare(b.start));
  return day.length === 0
    ? 'Not working'
    : day.map((interval) => `${interval.start}–${interval.end}`).join(', ');
}

/** Hours worked in a week, `37.5 h`; rows with errors count as nothing. */
export function weeklyTotal(rows: readonly HoursRow[]): string {
  let minutes = 0;
  for (const row of rows) {
    const start = minuteOfDay(row.start);
    const end = endMinute(row.end);
    if (start !== undefined && end !== undefined && end > start) minutes += end - start;
  }
  const hours = minutes / 60;
  return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} h`;
}

/** The day's rows copied to the other weekdays (Monday to Friday), replacing what those had. */
export function copyDayToWeekdays(rows: readonly HoursRow[], fromWeekday: number): HoursRow[] {
  const source = rows.filter((row) => row.weekday === fromWeekday);
  const kept = rows.filter((row) => row.weekday === fromWeekday || row.weekday > 5);
  const copies = [1, 2, 3, 4, 5]
    .filter((weekday) => weekday !== fromWeekday)
    .flatMap((weekday) => source.map((row) => ({ ...row, key: newRowKey(), weekday })));
  return [...kept, ...copies];
}
