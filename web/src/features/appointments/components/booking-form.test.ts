import { describe, expect, it } from 'vitest';
import { timeFormValuesOf, timeRangeOf } from './booking-form';

describe('the booking form', () => {
  it('prefills a slot as its date and times in the hospital zone', () => {
    expect(
      timeFormValuesOf({ start: '2030-07-15T07:00:00Z', end: '2030-07-15T07:30:00Z' }, 'Europe/Berlin'),
    ).toEqual({ date: '2030-07-15', startTime: '09:00', endTime: '09:30' });
  });

  it('sends the typed local times as instants', () => {
    expect(
      timeRangeOf({ date: '2030-01-14', startTime: '09:00', endTime: '09:45' }, 'Europe/Berlin'),
    ).toEqual({ start: '2030-01-14T08:00:00.000Z', end: '2030-01-14T08:45:00.000Z' });
  });

  it('names each missing or impossible value before anything is sent', () => {
    expect(timeRangeOf({ date: '', startTime: '', endTime: '' }, 'UTC')).toEqual({
      errors: {
        date: 'Enter the date.',
        startTime: 'Enter the start time.',
        endTime: 'Enter the end time.',
      },
    });
    expect(timeRangeOf({ date: '2030-07-15', startTime: '10:00', endTime: '09:30' }, 'UTC')).toEqual({
      errors: { endTime: 'The end must be after the start.' },
    });
  });
});
