import type { Appointment, AppointmentStatus, FreeSlot } from '../api/appointments';
import { addDays, instantOfLocal, mondayOf, zonedMoment } from './zoned-time';

export type CalendarView = 'day' | 'week';

export interface DoctorRef {
  readonly doctorId: string;
  readonly doctorName: string;
}

/** Free slots that start and end together, one per doctor: one entry in a department's week. */
export interface SlotGroup {
  readonly start: string;
  readonly end: string;
  readonly doctors: readonly DoctorRef[];
}

interface EntryTimes {
  readonly key: string;
  readonly start: string;
  readonly end: string;
  /** HH:MM in the hospital's zone. */
  readonly startTime: string;
  readonly endTime: string;
}

export type CalendarEntry =
  | (EntryTimes & { readonly kind: 'appointment'; readonly appointment: Appointment })
  | (EntryTimes & { readonly kind: 'free'; readonly doctors: readonly DoctorRef[] });

export interface CalendarColumn {
  readonly key: string;
  readonly date: string;
  /** The doctor of a department's day column. */
  readonly doctor?: DoctorRef;
  readonly entries: readonly CalendarEntry[];
}

/** Cancelled and no-show appointments free their time; the calendar hides them unless asked. */
const INACTIVE: ReadonlySet<AppointmentStatus> = new Set(['cancelled', 'no_show']);

/** The dates a view shows: the day itself, or Monday to Sunday of its week. */
export function visibleDays(view: CalendarView, date: string): string[] {
  if (view === 'day') return [date];
  const monday = mondayOf(date);
  return Array.from({ length: 7 }, (_, index) => addDays(monday, index));
}

/** The date the previous or next button goes to. */
export function stepDate(view: CalendarView, date: string, direction: -1 | 1): string {
  return addDays(date, direction * (view === 'day' ? 1 : 7));
}

/** From the first day's midnight to the midnight after the last day, in the hospital's zone. */
export function windowOf(days: readonly string[], timeZone: string): { from: string; to: string } {
  return {
    from: new Date(instantOfLocal(days[0]!, '00:00', timeZone)).toISOString(),
    to: new Date(instantOfLocal(addDays(days.at(-1)!, 1), '00:00', timeZone)).toISOString(),
  };
}

/** Free slots grouped by identical start and end, earliest first, doctors by name within a group. */
export function groupFreeSlots(slots: readonly FreeSlot[]): SlotGroup[] {
  const groups = new Map<string, { start: string; end: string; doctors: DoctorRef[] }>();
  for (const slot of slots) {
    const start = new Date(slot.start).toISOString();
    const end = new Date(slot.end).toISOString();
    const key = `${start}/${end}`;
    const group = groups.get(key) ?? { start, end, doctors: [] };
    if (!group.doctors.some((doctor) => doctor.doctorId === slot.doctorId)) {
      group.doctors.push({ doctorId: slot.doctorId, doctorName: slot.doctorName });
    }
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((group) => ({
      ...group,
      doctors: group.doctors.sort((a, b) => a.doctorName.localeCompare(b.doctorName)),
    }))
    .sort((a, b) => a.start.localeCompare(b.start) || a.end.localeCompare(b.end));
}

function times(start: string, end: string, timeZone: string): Omit<EntryTimes, 'key'> {
  return {
    start,
    end,
    startTime: zonedMoment(start, timeZone).time,
    endTime: zonedMoment(end, timeZone).time,
  };
}

function entriesOf(
  appointments: readonly Appointment[],
  slots: readonly FreeSlot[],
  timeZone: string,
): { date: string; entry: CalendarEntry }[] {
  const placed: { date: string; entry: CalendarEntry }[] = appointments.map((appointment) => ({
    date: zonedMoment(appointment.start, timeZone).date,
    entry: {
      kind: 'appointment',
      key: `appointment-${appointment.id}`,
      ...times(appointment.start, appointment.end, timeZone),
      appointment,
    },
  }));
  for (const group of groupFreeSlots(slots)) {
    placed.push({
      date: zonedMoment(group.start, timeZone).date,
      entry: {
        kind: 'free',
        key: `free-${group.start}-${group.end}`,
        ...times(group.start, group.end, timeZone),
        doctors: group.doctors,
      },
    });
  }
  return placed;
}

/** By start; at the same time, booked before free; then by the patient's name. */
function compareEntries(a: CalendarEntry, b: CalendarEntry): number {
  const byStart = Date.parse(a.start) - Date.parse(b.start);
  if (byStart !== 0) return byStart;
  if (a.kind !== b.kind) return a.kind === 'appointment' ? -1 : 1;
  if (a.kind === 'appointment' && b.kind === 'appointment') {
    return a.appointment.patientName.localeCompare(b.appointment.patientName);
  }
  return Date.parse(a.end) - Date.parse(b.end);
}

export interface CalendarInput {
  readonly days: readonly string[];
  readonly timeZone: string;
  readonly appointments: readonly Appointment[];
  readonly freeSlots: readonly FreeSlot[];
  /** A department's single day: one column per doctor, in this order (others that appear follow). */
  readonly doctorColumns?: readonly DoctorRef[];
  readonly showInactive?: boolean;
}

/**
 * The columns of the calendar: one per day (a doctor's day or week, a department's week, where free
 * slots at the same time are one entry naming every free doctor), or one per doctor (a department's
 * day). Each column lists its appointments and free slots in time order.
 */
export function buildColumns(input: CalendarInput): CalendarColumn[] {
  const appointments = input.showInactive
    ? input.appointments
    : input.appointments.filter((appointment) => !INACTIVE.has(appointment.status));
  if (input.doctorColumns) {
    const date = input.days[0]!;
    const doctors = [...input.doctorColumns];
    for (const item of [...appointments, ...input.freeSlots]) {
      if (!doctors.some((doctor) => doctor.doctorId === item.doctorId)) {
        doctors.push({ doctorId: item.doctorId, doctorName: item.doctorName });
      }
    }
    return doctors.map((doctor) => ({
      key: `doctor-${doctor.doctorId}`,
      date,
      doctor,
      entries: entriesOf(
        appointments.filter((appointment) => appointment.doctorId === doctor.doctorId),
        input.freeSlots.filter((slot) => slot.doctorId === doctor.doctorId),
        input.timeZone,
      )
        .filter((placed) => placed.date === date)
        .map((placed) => placed.entry)
        .sort(compareEntries),
    }));
  }
  const placed = entriesOf(appointments, input.freeSlots, input.timeZone);
  return input.days.map((date) => ({
    key: `day-${date}`,
    date,
    entries: placed
      .filter((item) => item.date === date)
      .map((item) => item.entry)
      .sort(compareEntries),
  }));
}

/** `Mon 15 Jul` for a column heading. */
export function dayLabel(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(year, month - 1, day)));
}

/** `Monday 15 July 2030` for the page's heading and the screen reader. */
export function longDayLabel(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(year, month - 1, day)));
}

/** What a column holds, in words: `2 appointments, 5 free slots`. */
export function columnSummary(column: CalendarColumn): string {
  const booked = column.entries.filter((entry) => entry.kind === 'appointment').length;
  const free = column.entries.length - booked;
  const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${count(booked, 'appointment')}, ${count(free, 'free slot')}`;
}

export interface CellPosition {
  readonly column: number;
  readonly row: number;
}

/**
 * Where an arrow key moves the focus among the calendar's entries: up and down within a day, left and
 * right to the nearest column that has entries (at the same row or its last), Home and End to a
 * column's first and last. Undefined when the key does not move anything.
 */
export function moveFocus(
  position: CellPosition,
  key: string,
  rowCounts: readonly number[],
): CellPosition | undefined {
  const rows = rowCounts[position.column] ?? 0;
  switch (key) {
    case 'ArrowDown':
      return position.row + 1 < rows ? { ...position, row: position.row + 1 } : undefined;
    case 'ArrowUp':
      return position.row > 0 ? { ...position, row: position.row - 1 } : undefined;
    case 'Home':
      return rows > 0 ? { ...position, row: 0 } : undefined;
    case 'End':
      return rows > 0 ? { ...position, row: rows - 1 } : undefined;
    case 'ArrowLeft':
    case 'ArrowRight': {
      const step = key === 'ArrowLeft' ? -1 : 1;
      for (let column = position.column + step; column >= 0 && column < rowCounts.length; column += step) {
        const count = rowCounts[column] ?? 0;
        if (count > 0) return { column, row: Math.min(position.row, count - 1) };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
