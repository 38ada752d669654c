import type { AddExceptionInput, ScheduleException } from '../api/doctors';
import { minuteOfDay } from './working-hours';

/**
 * What the exceptions form offers. The API knows leave ('unavailable', whole day or part of it) and
 * extra sessions; changed hours on a date are a day of leave plus an extra session with the new hours.
 */
export type ExceptionChoice = 'day-off' | 'away' | 'changed-hours' | 'extra';

export const EXCEPTION_CHOICES: readonly { readonly value: ExceptionChoice; readonly label: string }[] = [
  { value: 'day-off', label: 'Day off' },
  { value: 'away', label: 'Away part of the day' },
  { value: 'changed-hours', label: 'Changed hours' },
  { value: 'extra', label: 'Extra session' },
];

export interface ExceptionFormValues {
  date: string;
  choice: ExceptionChoice;
  start: string;
  end: string;
  reason: string;
}

export const EMPTY_EXCEPTION_FORM: ExceptionFormValues = {
  date: '',
  choice: 'day-off',
  start: '',
  end: '',
  reason: '',
};

export function needsTimes(choice: ExceptionChoice): boolean {
  return choice !== 'day-off';
}

/** Field errors of the form; `today` (YYYY-MM-DD) because past dates change nothing any more. */
export function validateExceptionForm(
  values: ExceptionFormValues,
  today: string,
): Partial<Record<keyof ExceptionFormValues, string>> {
  const errors: Partial<Record<keyof ExceptionFormValues, string>> = {};
  if (!/^\d{4}-\d{2}-\d{2}$/.test(values.date)) errors.date = 'Choose the date.';
  else if (values.date < today) errors.date = 'Choose today or a later date.';
  if (needsTimes(values.choice)) {
    const start = minuteOfDay(values.start);
    const end = minuteOfDay(values.end);
    if (start === undefined) errors.start = 'Enter the start time.';
    if (end === undefined) errors.end = 'Enter the end time.';
    else if (start !== undefined && (end === 0 ? 24 * 60 : end) <= start) {
      errors.end = 'The end must be after the start.';
    }
  }
  if (values.reason.length > 500) errors.reason = 'Keep the reason under 500 characters.';
  return errors;
}

/** The API calls that record the form, in order (changed hours: the day off first, then the new session). */
export function exceptionRequests(values: ExceptionFormValues): AddExceptionInput[] {
  const reason = values.reason.trim();
  const common = { date: values.date, ...(reason ? { reason } : {}) };
  const times = {
    start: values.start.slice(0, 5),
    end: values.end.startsWith('00:00') ? '24:00' : values.end.slice(0, 5),
  };
  switch (values.choice) {
    case 'day-off':
      return [{ ...common, kind: 'unavailable' }];
    case 'away':
      return [{ ...common, kind: 'unavailable', ...times }];
    case 'extra':
      return [{ ...common, kind: 'extra', ...times }];
    case 'changed-hours':
      return [
        { ...common, kind: 'unavailable' },
        { ...common, kind: 'extra', ...times },
      ];
  }
}

/** How the list shows an exception: `Day off`, `Away 12:00–14:00`, `Extra session 18:00–20:00`. */
export function describeException(exception: Pick<ScheduleException, 'kind' | 'start' | 'end'>): string {
  const times = exception.start && exception.end ? `${exception.start}–${exception.end}` : '';
  if (exception.kind === 'extra') return `Extra session ${times}`.trim();
  return times ? `Away ${times}` : 'Day off';
}
