import { describe, expect, it } from 'vitest';
import {
  copyDayToWeekdays,
  describeDay,
  hoursFromRows,
  minuteOfDay,
  rowsFromHours,
  validateHoursRows,
  weeklyTotal,
  type HoursRow,
} from './working-hours';

const row = (key: string, weekday: number, start: string, end: string): HoursRow => ({
  key,
  weekday,
  start,
  end,
});

describe('the working-hours editor', () => {
  it('reads times as the time inputs give them, with or without seconds', () => {
    expect(minuteOfDay('08:30')).toBe(510);
    expect(minuteOfDay('23:59:00')).toBe(1439);
    expect(minuteOfDay('24:00')).toBeUndefined();
    expect(minuteOfDay('8:30')).toBeUndefined();
    expect(minuteOfDay('')).toBeUndefined();
  });

  it('accepts touching intervals and a lunch break', () => {
    expect(
      validateHoursRows([
        row('a', 1, '08:00', '12:00'),
        row('b', 1, '12:00', '13:00'),
        row('c', 1, '14:00', '17:00'),
      ]),
    ).toEqual({});
  });

  it('names a missing time, an end before the start and an overlap on the same day', () => {
    expect(
      validateHoursRows([
        row('a', 1, '', '12:00'),
        row('b', 2, '09:00', ''),
        row('c', 3, '17:00', '08:00'),
        row('d', 4, '08:00', '12:00'),
        row('e', 4, '11:00', '15:00'),
        row('f', 5, '11:00', '15:00'),
      ]),
    ).toEqual({
      a: 'Enter the start time.',
      b: 'Enter the end time.',
      c: 'The end must be after the start.',
      e: 'Overlaps 08:00–12:00.',
    });
  });

  it('takes an end of 00:00 as midnight at the end of the day, both ways', () => {
    const rows = rowsFromHours([{ weekday: 6, start: '18:00', end: '24:00' }]);
    expect(rows[0]).toMatchObject({ weekday: 6, start: '18:00', end: '00:00' });
    expect(validateHoursRows(rows)).toEqual({});
    expect(hoursFromRows(rows)).toEqual([{ weekday: 6, start: '18:00', end: '24:00' }]);
    expect(validateHoursRows([row('a', 1, '00:00', '00:00')])).toEqual({});
  });

  it('sends the rows sorted by day and start, without seconds', () => {
    expect(
      hoursFromRows([
        row('a', 2, '13:00:00', '17:00:00'),
        row('b', 1, '08:00', '12:00'),
        row('c', 2, '08:00', '12:00'),
      ]),
    ).toEqual([
      { weekday: 1, start: '08:00', end: '12:00' },
      { weekday: 2, start: '08:00', end: '12:00' },
      { weekday: 2, start: '13:00', end: '17:00' },
    ]);
  });

  it('describes a day and totals the week', () => {
    const hours = [
      { weekday: 1, start: '13:00', end: '17:00' },
      { weekday: 1, start: '08:00', end: '12:00' },
    ];
    expect(describeDay(hours, 1)).toBe('08:00–12:00, 13:00–17:00');
    expect(describeDay(hours, 7)).toBe('Not working');
    expect(weeklyTotal([row('a', 1, '08:00', '12:30'), row('b', 2, '09:00', '08:00')])).toBe('4.5 h');
    expect(weeklyTotal([row('a', 1, '20:00', '00:00')])).toBe('4 h');
  });

  it('copies Monday to the other weekdays, replacing them and keeping the weekend', () => {
    const copied = copyDayToWeekdays(
      [row('a', 1, '08:00', '12:00'), row('b', 3, '10:00', '11:00'), row('c', 6, '09:00', '13:00')],
      1,
    );
    expect(hoursFromRows(copied)).toEqual([
      { weekday: 1, start: '08:00', end: '12:00' },
      { weekday: 2, start: '08:00', end: '12:00' },
      { weekday: 3, start: '08:00', end: '12:00' },
      { weekday: 4, start: '08:00', end: '12:00' },
      { weekday: 5, start: '08:00', end: '12:00' },
      { weekday: 6, start: '09:00', end: '13:00' },
    ]);
    expect(new Set(copied.map((copy) => copy.key)).size).toBe(copied.length);
  });
});
