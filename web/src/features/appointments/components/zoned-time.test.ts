import { describe, expect, it } from 'vitest';
import { addDays, instantOfLocal, isCalendarDate, isoWeekday, mondayOf, zonedMoment } from './zoned-time';

const iso = (ms: number): string => new Date(ms).toISOString();

describe('dates and times in the hospital zone', () => {
  it('reads an instant as a date and time of day in the zone, not the browser', () => {
    expect(zonedMoment('2030-07-15T22:30:00Z', 'Europe/Berlin')).toEqual({
      date: '2030-07-16',
      time: '00:30',
    });
    expect(zonedMoment('2030-07-15T22:30:00Z', 'America/New_York')).toEqual({
      date: '2030-07-15',
      time: '18:30',
    });
    expect(zonedMoment('2030-07-15T00:00:00Z', 'UTC')).toEqual({ date: '2030-07-15', time: '00:00' });
  });

  it('turns a wall-clock time into the instant, in summer and in winter time', () => {
    expect(iso(instantOfLocal('2030-07-15', '09:00', 'Europe/Berlin'))).toBe('2030-07-15T07:00:00.000Z');
    expect(iso(instantOfLocal('2030-01-14', '09:00', 'Europe/Berlin'))).toBe('2030-01-14T08:00:00.000Z');
    expect(iso(instantOfLocal('2030-07-15', '00:00', 'UTC'))).toBe('2030-07-15T00:00:00.000Z');
    expect(iso(instantOfLocal('2030-07-15', '23:45', 'Asia/Kolkata'))).toBe('2030-07-15T18:15:00.000Z');
  });

  it('puts a time skipped by the spring change after the gap, and keeps a repeated time on the day', () => {
    // Berlin, 31 March 2030: 02:00 becomes 03:00.
    expect(iso(instantOfLocal('2030-03-31', '02:30', 'Europe/Berlin'))).toBe('2030-03-31T01:30:00.000Z');
    // 27 October 2030: 02:30 happens twice; either instant shows 02:30 on that day.
    const repeated = instantOfLocal('2030-10-27', '02:30', 'Europe/Berlin');
    expect(zonedMoment(repeated, 'Europe/Berlin')).toEqual({ date: '2030-10-27', time: '02:30' });
  });

  it('does calendar arithmetic across months, years and leap days', () => {
    expect(addDays('2030-12-31', 1)).toBe('2031-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(isoWeekday('2030-07-15')).toBe(1);
    expect(isoWeekday('2030-07-21')).toBe(7);
    expect(mondayOf('2030-07-21')).toBe('2030-07-15');
    expect(mondayOf('2030-01-01')).toBe('2029-12-31');
  });

  it('accepts only real dates written YYYY-MM-DD', () => {
    expect(isCalendarDate('2030-07-15')).toBe(true);
    expect(isCalendarDate('2030-02-30')).toBe(false);
    expect(isCalendarDate('15/07/2030')).toBe(false);
    expect(isCalendarDate('')).toBe(false);
  });
});
