import { ValidationError, type FieldError } from '../../shared/errors.js';
import type { WeeklyInterval } from './availability.js';
import type { WorkingIntervalInput } from './doctors.schemas.js';
import { formatMinuteOfDay, parseMinuteOfDay } from './zoned-time.js';

/** Monday to Friday, 08:00-17:00: the hours of a doctor created without any (CONTRACT §3). */
export const DEFAULT_WORKING_HOURS: readonly WeeklyInterval[] = [1, 2, 3, 4, 5].map((weekday) => ({
  weekday,
  startMinute: 8 * 60,
  endMinute: 17 * 60,
}));

const WEEKDAY_NAMES = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function describeInterval(interval: WeeklyInterval): string {
  return `${WEEKDAY_NAMES[interval.weekday]} ${formatMinuteOfDay(interval.startMinute)}-${formatMinuteOfDay(interval.endMinute)}`;
}

/**
 * Parses weekly intervals and refuses empty or overlapping ones, naming each bad entry; touching
 * intervals (12:00-13:00 after 08:00-12:00) are fine, and a gap between two is a break.
 */
export function parseWorkingHours(hours: readonly WorkingIntervalInput[], field: string): WeeklyInterval[] {
  const parsed = hours.map((interval) => ({
    weekday: interval.weekday,
    startMinute: parseMinuteOfDay(interval.start),
    endMinute: parseMinuteOfDay(interval.end),
  }));
  const errors: FieldError[] = [];
  parsed.forEach((interval, index) => {
    if (interval.startMinute >= interval.endMinute) {
      errors.push({ field: `${field}.${index}`, message: 'end must be after start' });
      return;
    }
    const clash = parsed.findIndex(
      (other, otherIndex) =>
        otherIndex < index &&
        other.weekday === interval.weekday &&
        other.startMinute < interval.endMinute &&
        interval.startMinute < other.endMinute,
    );
    if (clash >= 0) {
      errors.push({
        field: `${field}.${index}`,
        message: `overlaps ${describeInterval(parsed[clash]!)} (${field}.${clash})`,
      });
    }
  });
  if (errors.length > 0) {
    throw new ValidationError(
      `The working hours are not valid: ${errors.map((error) => `${error.field} ${error.message}`).join('; ')}.`,
      errors,
    );
  }
  return parsed.sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute);
}

export function presentWorkingHours(
  hours: readonly WeeklyInterval[],
): { weekday: number; start: string; end: string }[] {
  return hours.map((interval) => ({
    weekday: interval.weekday,
    start: formatMinuteOfDay(interval.startMinute),
    end: formatMinuteOfDay(interval.endMinute),
  }));
}
