import { describe, expect, it } from 'vitest';
import type { Appointment, FreeSlot } from '../api/appointments';
import {
  buildColumns,
  columnSummary,
  groupFreeSlots,
  moveFocus,
  stepDate,
  visibleDays,
  windowOf,
} from './calendar-grid';

const HOUSE = { doctorId: 'd-house', doctorName: 'Dr House' };
const CUDDY = { doctorId: 'd-cuddy', doctorName: 'Dr Cuddy' };

function slot(doctor: typeof HOUSE, start: string, end: string): FreeSlot {
  return { ...doctor, start, end };
}

function appointment(
  overrides: Partial<Appointment> & Pick<Appointment, 'id' | 'start' | 'end'>,
): Appointment {
  return {
    patientId: 'p-1',
    patientName: 'Ada Lovelace',
    patientMrn: 'MRN-1',
    ...HOUSE,
    status: 'scheduled',
    reason: null,
    overbooked: false,
    cancellationReason: null,
    checkedInAt: null,
    completedAt: null,
    cancelledAt: null,
    version: 1,
    ...overrides,
  };
}

describe('the calendar grid', () => {
  it('shows the day itself, or Monday to Sunday of its week', () => {
    expect(visibleDays('day', '2030-07-17')).toEqual(['2030-07-17']);
    expect(visibleDays('week', '2030-07-17')).toEqual([
      '2030-07-15',
      '2030-07-16',
      '2030-07-17',
      '2030-07-18',
      '2030-07-19',
      '2030-07-20',
      '2030-07-21',
    ]);
    expect(stepDate('day', '2030-07-31', 1)).toBe('2030-08-01');
    expect(stepDate('week', '2030-07-17', -1)).toBe('2030-07-10');
  });

  it('asks the server for midnight to midnight in the hospital zone', () => {
    expect(windowOf(visibleDays('week', '2030-07-17'), 'Europe/Berlin')).toEqual({
      from: '2030-07-14T22:00:00.000Z',
      to: '2030-07-21T22:00:00.000Z',
    });
  });

  it('groups free slots at the same time into one entry naming each doctor once, by name', () => {
    const groups = groupFreeSlots([
      slot(HOUSE, '2030-07-15T09:00:00Z', '2030-07-15T09:30:00Z'),
      slot(CUDDY, '2030-07-15T08:30:00Z', '2030-07-15T09:00:00Z'),
      slot(CUDDY, '2030-07-15T09:00:00.000Z', '2030-07-15T09:30:00.000Z'),
      slot(HOUSE, '2030-07-15T09:00:00Z', '2030-07-15T09:30:00Z'),
      slot(CUDDY, '2030-07-15T09:00:00Z', '2030-07-15T09:15:00Z'),
    ]);
    expect(groups).toEqual([
      { start: '2030-07-15T08:30:00.000Z', end: '2030-07-15T09:00:00.000Z', doctors: [CUDDY] },
      { start: '2030-07-15T09:00:00.000Z', end: '2030-07-15T09:15:00.000Z', doctors: [CUDDY] },
      { start: '2030-07-15T09:00:00.000Z', end: '2030-07-15T09:30:00.000Z', doctors: [CUDDY, HOUSE] },
    ]);
  });

  it('puts each entry in its day of the hospital zone, in time order, hiding cancelled ones unless asked', () => {
    const input = {
      days: visibleDays('week', '2030-07-15'),
      timeZone: 'Europe/Berlin',
      appointments: [
        appointment({ id: 'late', start: '2030-07-15T22:30:00Z', end: '2030-07-15T23:00:00Z' }),
        appointment({ id: 'morning', start: '2030-07-15T07:00:00Z', end: '2030-07-15T07:30:00Z' }),
        appointment({
          id: 'cancelled',
          start: '2030-07-15T07:30:00Z',
          end: '2030-07-15T08:00:00Z',
          status: 'cancelled',
        }),
      ],
      freeSlots: [slot(HOUSE, '2030-07-15T07:30:00Z', '2030-07-15T08:00:00Z')],
    };
    const columns = buildColumns(input);
    expect(columns.map((column) => column.date)).toEqual(input.days);
    const monday = columns[0]!.entries;
    expect(monday.map((entry) => [entry.kind, entry.startTime, entry.endTime])).toEqual([
      ['appointment', '09:00', '09:30'],
      ['free', '09:30', '10:00'],
    ]);
    // 22:30 UTC on Monday is half past midnight on Tuesday in Berlin.
    expect(columns[1]!.entries.map((entry) => entry.key)).toEqual(['appointment-late']);
    expect(columnSummary(columns[0]!)).toBe('1 appointment, 1 free slot');

    const withCancelled = buildColumns({ ...input, showInactive: true })[0]!.entries;
    expect(withCancelled.map((entry) => entry.key)).toEqual([
      'appointment-morning',
      'appointment-cancelled',
      `free-2030-07-15T07:30:00.000Z-2030-07-15T08:00:00.000Z`,
    ]);
  });

  it("gives a department's day one column per doctor, adding doctors that only appear in the data", () => {
    const columns = buildColumns({
      days: ['2030-07-15'],
      timeZone: 'UTC',
      doctorColumns: [HOUSE, CUDDY],
      appointments: [
        appointment({ id: 'a', start: '2030-07-15T09:00:00Z', end: '2030-07-15T09:30:00Z', ...CUDDY }),
      ],
      freeSlots: [
        slot(HOUSE, '2030-07-15T09:00:00Z', '2030-07-15T09:30:00Z'),
        slot(
          { doctorId: 'd-wilson', doctorName: 'Dr Wilson' },
          '2030-07-15T10:00:00Z',
          '2030-07-15T10:30:00Z',
        ),
        slot(HOUSE, '2030-07-16T09:00:00Z', '2030-07-16T09:30:00Z'),
      ],
    });
    expect(columns.map((column) => column.doctor?.doctorName)).toEqual(['Dr House', 'Dr Cuddy', 'Dr Wilson']);
    expect(columns.map((column) => column.entries.map((entry) => entry.kind))).toEqual([
      ['free'],
      ['appointment'],
      ['free'],
    ]);
  });

  it('moves the keyboard focus within a day and to the nearest day with entries', () => {
    const rows = [3, 0, 2];
    expect(moveFocus({ column: 0, row: 0 }, 'ArrowDown', rows)).toEqual({ column: 0, row: 1 });
    expect(moveFocus({ column: 0, row: 2 }, 'ArrowDown', rows)).toBeUndefined();
    expect(moveFocus({ column: 0, row: 0 }, 'ArrowUp', rows)).toBeUndefined();
    expect(moveFocus({ column: 0, row: 2 }, 'ArrowRight', rows)).toEqual({ column: 2, row: 1 });
    expect(moveFocus({ column: 2, row: 0 }, 'ArrowLeft', rows)).toEqual({ column: 0, row: 0 });
    expect(moveFocus({ column: 2, row: 0 }, 'ArrowRight', rows)).toBeUndefined();
    expect(moveFocus({ column: 0, row: 1 }, 'End', rows)).toEqual({ column: 0, row: 2 });
    expect(moveFocus({ column: 0, row: 2 }, 'Home', rows)).toEqual({ column: 0, row: 0 });
    expect(moveFocus({ column: 0, row: 0 }, 'Enter', rows)).toBeUndefined();
  });
});
