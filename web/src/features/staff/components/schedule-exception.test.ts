import { describe, expect, it } from 'vitest';
import {
  describeException,
  EMPTY_EXCEPTION_FORM,
  exceptionRequests,
  validateExceptionForm,
} from './schedule-exception';

const TODAY = '2025-03-10';

describe('the leave and changed-hours form', () => {
  it('needs a date from today on, and no times for a day off', () => {
    expect(validateExceptionForm(EMPTY_EXCEPTION_FORM, TODAY)).toEqual({ date: 'Choose the date.' });
    expect(validateExceptionForm({ ...EMPTY_EXCEPTION_FORM, date: '2025-03-09' }, TODAY)).toEqual({
      date: 'Choose today or a later date.',
    });
    expect(validateExceptionForm({ ...EMPTY_EXCEPTION_FORM, date: TODAY }, TODAY)).toEqual({});
  });

  it('needs a start before the end for time away, extra sessions and changed hours', () => {
    const base = { ...EMPTY_EXCEPTION_FORM, date: TODAY };
    expect(validateExceptionForm({ ...base, choice: 'away' }, TODAY)).toEqual({
      start: 'Enter the start time.',
      end: 'Enter the end time.',
    });
    expect(validateExceptionForm({ ...base, choice: 'extra', start: '18:00', end: '17:00' }, TODAY)).toEqual({
      end: 'The end must be after the start.',
    });
    expect(
      validateExceptionForm({ ...base, choice: 'changed-hours', start: '20:00', end: '00:00' }, TODAY),
    ).toEqual({});
  });

  it('records changed hours as a day off followed by a session with the new hours', () => {
    expect(
      exceptionRequests({
        date: TODAY,
        choice: 'changed-hours',
        start: '12:00',
        end: '00:00',
        reason: '  On call  ',
      }),
    ).toEqual([
      { date: TODAY, kind: 'unavailable', reason: 'On call' },
      { date: TODAY, kind: 'extra', start: '12:00', end: '24:00', reason: 'On call' },
    ]);
  });

  it('records a day off without times and time away with them', () => {
    expect(exceptionRequests({ ...EMPTY_EXCEPTION_FORM, date: TODAY, start: '09:00' })).toEqual([
      { date: TODAY, kind: 'unavailable' },
    ]);
    expect(
      exceptionRequests({
        ...EMPTY_EXCEPTION_FORM,
        date: TODAY,
        choice: 'away',
        start: '12:00',
        end: '14:00',
      }),
    ).toEqual([{ date: TODAY, kind: 'unavailable', start: '12:00', end: '14:00' }]);
  });

  it('describes each kind of exception', () => {
    expect(describeException({ kind: 'unavailable', start: null, end: null })).toBe('Day off');
    expect(describeException({ kind: 'unavailable', start: '12:00', end: '14:00' })).toBe('Away 12:00–14:00');
    expect(describeException({ kind: 'extra', start: '18:00', end: '20:00' })).toBe(
      'Extra session 18:00–20:00',
    );
  });
});
