/**
 * Wall-clock arithmetic in an IANA time zone with Intl only (no Temporal on Node 20). Working hours are
 * kept as local times in hospital.timezone; these turn them into instants and back, across DST changes.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

function wallClockOf(epochMs: number, timeZone: string): WallClock {
  const values: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') values[part.type] = Number(part.value);
  }
  return {
    year: values['year']!,
    month: values['month']!,
    day: values['day']!,
    hour: values['hour']! % 24,
    minute: values['minute']!,
    second: values['second']!,
  };
}

/** How far `timeZone` is ahead of UTC at the instant, in milliseconds (Berlin in July: 7,200,000). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const wall = wallClockOf(epochMs, timeZone);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const wholeSeconds = Math.floor(epochMs / 1000) * 1000;
  return wallAsUtc - wholeSeconds;
}

function pad(value: number, length = 2): string {
  return String(value).padStart(length, '0');
}

/** A calendar date 'YYYY-MM-DD' plus `days`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a calendar date: 1 = Monday ... 7 = Sunday. */
export function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

export interface LocalDateTime {
  /** 'YYYY-MM-DD' in the zone. */
  readonly date: string;
  /** Minutes since local midnight, 0-1439. */
  readonly minuteOfDay: number;
}

/** The local date and time of an instant in `timeZone`. */
export function localDateTimeOf(epochMs: number, timeZone: string): LocalDateTime {
  const wall = wallClockOf(epochMs, timeZone);
  return {
    date: `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`,
    minuteOfDay: wall.hour * 60 + wall.minute,
  };
}

/**
 * The instant at which the clocks in `timeZone` show `date` at `minuteOfDay` (0-1440; 1440 is the next
 * midnight). Like Temporal's 'compatible' disambiguation: a time skipped by a spring-forward change is
 * moved forward by the gap, and a time that occurs twice in an autumn change is its first occurrence.
 */
export function instantOfLocal(date: string, minuteOfDay: number, timeZone: string): number {
  const wallAsUtc = Date.parse(`${date}T00:00:00Z`) + minuteOfDay * MINUTE_MS;
  // Zones change their offset at most once within a day either side, so these two offsets are the only
  // candidates: the one in force before any nearby change and the one after it.
  const offsetBefore = zoneOffsetMs(wallAsUtc - DAY_MS, timeZone);
  const offsetAfter = zoneOffsetMs(wallAsUtc + DAY_MS, timeZone);
  const candidates = [wallAsUtc - offsetBefore, wallAsUtc - offsetAfter]
    .filter((instant) => zoneOffsetMs(instant, timeZone) === wallAsUtc - instant)
    .sort((a, b) => a - b);
  return candidates[0] ?? wallAsUtc - offsetBefore;
}

/** 'HH:MM' of minutes since midnight (1440 is '24:00'). */
export function formatMinuteOfDay(minuteOfDay: number): string {
  return `${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
}

/** Minutes since midnight of 'HH:MM' ('24:00' is 1440). */
export function parseMinuteOfDay(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours! * 60 + minutes!;
}
