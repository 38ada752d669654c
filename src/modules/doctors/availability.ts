import { addDays, instantOfLocal, isoWeekday } from './zoned-time.js';

/** One weekly working interval, in local time of hospital.timezone. */
export interface WeeklyInterval {
  /** ISO weekday: 1 = Monday ... 7 = Sunday. */
  readonly weekday: number;
  readonly startMinute: number;
  /** Exclusive; up to 1440 (24:00). */
  readonly endMinute: number;
}

/** A dated change to the weekly hours: leave (whole day when the minutes are null) or an extra session. */
export interface ScheduleException {
  readonly date: string;
  readonly kind: 'unavailable' | 'extra';
  readonly startMinute: number | null;
  readonly endMinute: number | null;
}

/** A span of time between two instants (epoch milliseconds), end exclusive. */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

type MinuteSpan = readonly [number, number];

function subtract(spans: readonly MinuteSpan[], removed: MinuteSpan): MinuteSpan[] {
  const [cutStart, cutEnd] = removed;
  return spans.flatMap(([start, end]): MinuteSpan[] => {
    if (cutEnd <= start || cutStart >= end) return [[start, end]];
    const kept: MinuteSpan[] = [];
    if (start < cutStart) kept.push([start, cutStart]);
    if (cutEnd < end) kept.push([cutEnd, end]);
    return kept;
  });
}

/**
 * Local minute spans worked on one date: the weekly hours of its weekday less any leave, plus extra
 * sessions. An extra session counts even on a day of leave: it is the more specific, deliberate entry.
 */
function spansOnDate(
  date: string,
  weekly: readonly WeeklyInterval[],
  exceptions: readonly ScheduleException[],
): MinuteSpan[] {
  const weekday = isoWeekday(date);
  let spans: MinuteSpan[] = weekly
    .filter((interval) => interval.weekday === weekday)
    .map((interval) => [interval.startMinute, interval.endMinute]);
  const onDate = exceptions.filter((exception) => exception.date === date);
  for (const exception of onDate) {
    if (exception.kind !== 'unavailable') continue;
    spans =
      exception.startMinute === null || exception.endMinute === null
        ? []
        : subtract(spans, [exception.startMinute, exception.endMinute]);
  }
  for (const exception of onDate) {
    if (exception.kind === 'extra' && exception.startMinute !== null && exception.endMinute !== null) {
      spans.push([exception.startMinute, exception.endMinute]);
    }
  }
  return spans;
}

/** Sorts intervals and joins those that overlap or touch (a shift to 24:00 and one from 00:00). */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].filter((i) => i.start < i.end).sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last && interval.start <= last.end) {
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, interval.end) };
    } else {
      merged.push(interval);
    }
  }
  return merged;
}

/**
 * The instants a doctor works on the local dates `firstDate`..`lastDate` (inclusive) in `timeZone`.
 * Local times become instants date by date, so 08:00-17:00 is 07:00-16:00Z in a Berlin winter and
 * 06:00-15:00Z in summer, and a shift across a DST change is an hour shorter or longer.
 */
export function workingIntervals(
  weekly: readonly WeeklyInterval[],
  exceptions: readonly ScheduleException[],
  firstDate: string,
  lastDate: string,
  timeZone: string,
): Interval[] {
  const intervals: Interval[] = [];
  for (let date = firstDate; date <= lastDate; date = addDays(date, 1)) {
    for (const [start, end] of spansOnDate(date, weekly, exceptions)) {
      intervals.push({
        start: instantOfLocal(date, start, timeZone),
        end: instantOfLocal(date, end, timeZone),
      });
    }
  }
  return mergeIntervals(intervals);
}

/** True when [start, end) lies wholly inside one of the (merged) intervals. */
export function isCovered(intervals: readonly Interval[], start: number, end: number): boolean {
  return intervals.some((interval) => interval.start <= start && end <= interval.end);
}

/**
 * Slots of `slotMs` laid from the start of each working interval, inside [from, to), that overlap
 * none of `busy`.
 */
export function freeSlots(
  intervals: readonly Interval[],
  slotMs: number,
  busy: readonly Interval[],
  from: number,
  to: number,
): Interval[] {
  const slots: Interval[] = [];
  for (const interval of intervals) {
    for (let start = interval.start; start + slotMs <= interval.end; start += slotMs) {
      const end = start + slotMs;
      if (start < from || end > to) continue;
      if (busy.some((booking) => booking.start < end && start < booking.end)) continue;
      slots.push({ start, end });
    }
  }
  return slots;
}
