import { describe, expect, it } from 'vitest';
import { freeSlots, isCovered, workingIntervals, type WeeklyInterval } from './availability.js';
import { instantOfLocal, isoWeekday, localDateTimeOf, zoneOffsetMs } from './zoned-time.js';

const BERLIN = 'Europe/Berlin';
const at = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;

describe('zoned time', () => {
  it('knows Berlin is one hour ahead in winter and two in summer', () => {
    expect(zoneOffsetMs(at('2030-01-15T12:00:00Z'), BERLIN)).toBe(HOUR);
    expect(zoneOffsetMs(at('2030-07-15T12:00:00Z'), BERLIN)).toBe(2 * HOUR);
    expect(zoneOffsetMs(at('2030-07-15T12:00:00Z'), 'UTC')).toBe(0);
    expect(zoneOffsetMs(at('2030-07-15T12:00:00Z'), 'America/New_York')).toBe(-4 * HOUR);
  });

  it('turns local wall times into instants on either side of a DST change', () => {
    expect(instantOfLocal('2030-01-14', 8 * 60, BERLIN)).toBe(at('2030-01-14T07:00:00Z'));
    expect(instantOfLocal('2030-07-15', 8 * 60, BERLIN)).toBe(at('2030-07-15T06:00:00Z'));
    expect(instantOfLocal('2030-07-15', 24 * 60, BERLIN)).toBe(at('2030-07-15T22:00:00Z'));
  });

  it('moves a time skipped in spring forward, and takes the first of a time repeated in autumn', () => {
    // 2030-03-31: Berlin clocks jump 02:00 -> 03:00; 2030-10-27: 03:00 -> 02:00.
    expect(instantOfLocal('2030-03-31', 2 * 60 + 30, BERLIN)).toBe(at('2030-03-31T01:30:00Z'));
    expect(instantOfLocal('2030-03-31', 3 * 60, BERLIN)).toBe(at('2030-03-31T01:00:00Z'));
    expect(instantOfLocal('2030-10-27', 2 * 60 + 30, BERLIN)).toBe(at('2030-10-27T00:30:00Z'));
    expect(instantOfLocal('2030-10-27', 3 * 60, BERLIN)).toBe(at('2030-10-27T02:00:00Z'));
  });

  it('reads the local date and weekday of an instant', () => {
    expect(localDateTimeOf(at('2030-07-14T23:30:00Z'), BERLIN)).toEqual({
      date: '2030-07-15',
      minuteOfDay: 90,
    });
    expect(isoWeekday('2030-07-15')).toBe(1);
    expect(isoWeekday('2030-07-14')).toBe(7);
  });
});

describe('working intervals', () => {
  const weekdays: WeeklyInterval[] = [1, 2, 3, 4, 5].map((weekday) => ({
    weekday,
    startMinute: 8 * 60,
    endMinute: 17 * 60,
  }));

  it('places Monday 08:00-17:00 Berlin at 06:00-15:00Z in summer and 07:00-16:00Z in winter', () => {
    expect(workingIntervals(weekdays, [], '2030-07-15', '2030-07-15', BERLIN)).toEqual([
      { start: at('2030-07-15T06:00:00Z'), end: at('2030-07-15T15:00:00Z') },
    ]);
    expect(workingIntervals(weekdays, [], '2030-01-14', '2030-01-14', BERLIN)).toEqual([
      { start: at('2030-01-14T07:00:00Z'), end: at('2030-01-14T16:00:00Z') },
    ]);
    expect(workingIntervals(weekdays, [], '2030-07-13', '2030-07-14', BERLIN)).toEqual([]);
  });

  it('makes a midnight-to-06:00 Sunday shift five hours long in spring and seven in autumn', () => {
    const sundayNight: WeeklyInterval[] = [{ weekday: 7, startMinute: 0, endMinute: 6 * 60 }];
    const [spring] = workingIntervals(sundayNight, [], '2030-03-31', '2030-03-31', BERLIN);
    const [autumn] = workingIntervals(sundayNight, [], '2030-10-27', '2030-10-27', BERLIN);
    expect(spring!.end - spring!.start).toBe(5 * HOUR);
    expect(autumn!.end - autumn!.start).toBe(7 * HOUR);
  });

  it('removes leave, keeps the rest of a partly absent day, and adds extra sessions', () => {
    const intervals = workingIntervals(
      weekdays,
      [
        { date: '2030-07-15', kind: 'unavailable', startMinute: 12 * 60, endMinute: 13 * 60 },
        { date: '2030-07-16', kind: 'unavailable', startMinute: null, endMinute: null },
        { date: '2030-07-20', kind: 'extra', startMinute: 9 * 60, endMinute: 11 * 60 },
      ],
      '2030-07-15',
      '2030-07-21',
      'UTC',
    );
    expect(intervals.map((i) => [new Date(i.start).toISOString(), new Date(i.end).toISOString()])).toEqual([
      ['2030-07-15T08:00:00.000Z', '2030-07-15T12:00:00.000Z'],
      ['2030-07-15T13:00:00.000Z', '2030-07-15T17:00:00.000Z'],
      ['2030-07-17T08:00:00.000Z', '2030-07-17T17:00:00.000Z'],
      ['2030-07-18T08:00:00.000Z', '2030-07-18T17:00:00.000Z'],
      ['2030-07-19T08:00:00.000Z', '2030-07-19T17:00:00.000Z'],
      ['2030-07-20T09:00:00.000Z', '2030-07-20T11:00:00.000Z'],
    ]);
    expect(isCovered(intervals, at('2030-07-15T11:30:00Z'), at('2030-07-15T12:00:00Z'))).toBe(true);
    expect(isCovered(intervals, at('2030-07-15T11:30:00Z'), at('2030-07-15T12:30:00Z'))).toBe(false);
  });

  it('joins a shift ending at 24:00 with one starting at 00:00 the next day', () => {
    const nights: WeeklyInterval[] = [
      { weekday: 1, startMinute: 20 * 60, endMinute: 24 * 60 },
      { weekday: 2, startMinute: 0, endMinute: 4 * 60 },
    ];
    const intervals = workingIntervals(nights, [], '2030-07-15', '2030-07-16', 'UTC');
    expect(isCovered(intervals, at('2030-07-15T23:00:00Z'), at('2030-07-16T01:00:00Z'))).toBe(true);
  });

  it('lays free slots from the start of each interval, skipping busy ones', () => {
    const intervals = [{ start: at('2030-07-15T08:00:00Z'), end: at('2030-07-15T09:00:00Z') }];
    const busy = [{ start: at('2030-07-15T08:10:00Z'), end: at('2030-07-15T08:20:00Z') }];
    const slots = freeSlots(
      intervals,
      15 * 60_000,
      busy,
      at('2030-07-15T00:00:00Z'),
      at('2030-07-16T00:00:00Z'),
    );
    expect(slots.map((slot) => new Date(slot.start).toISOString().slice(11, 16))).toEqual(['08:30', '08:45']);
  });
});
