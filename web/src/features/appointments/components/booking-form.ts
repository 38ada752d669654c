import { instantOfLocal, isCalendarDate, minutesOf, zonedMoment } from './zoned-time';

/** The date and times of a booking or a move, as typed, local to the hospital's zone. */
export interface TimeFormValues {
  readonly date: string;
  readonly startTime: string;
  readonly endTime: string;
}

export type TimeFormErrors = Partial<Record<keyof TimeFormValues, string>>;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The form's values for a slot or an appointment: its date and times in the hospital's zone. */
export function timeFormValuesOf(range: { start: string; end: string }, timeZone: string): TimeFormValues {
  const start = zonedMoment(range.start, timeZone);
  return { date: start.date, startTime: start.time, endTime: zonedMoment(range.end, timeZone).time };
}

/**
 * The RFC 3339 start and end the API takes, or what is wrong with the typed values. The server checks
 * working hours and clashes; this only catches what it would refuse as malformed.
 */
export function timeRangeOf(
  values: TimeFormValues,
  timeZone: string,
): { start: string; end: string } | { errors: TimeFormErrors } {
  const errors: TimeFormErrors = {};
  if (!isCalendarDate(values.date)) errors.date = 'Enter the date.';
  if (!TIME.test(values.startTime)) errors.startTime = 'Enter the start time.';
  if (!TIME.test(values.endTime)) errors.endTime = 'Enter the end time.';
  else if (TIME.test(values.startTime) && minutesOf(values.endTime) <= minutesOf(values.startTime)) {
    errors.endTime = 'The end must be after the start.';
  }
  if (Object.keys(errors).length > 0) return { errors };
  return {
    start: new Date(instantOfLocal(values.date, values.startTime, timeZone)).toISOString(),
    end: new Date(instantOfLocal(values.date, values.endTime, timeZone)).toISOString(),
  };
}
