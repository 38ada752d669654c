import { describe, expect, it } from 'vitest';
import { calendarStateFromSearch, searchFromCalendarState } from './calendar-state';

const DOCTOR = '0b6f3c52-7a43-4f0e-9d55-3f1f2a1f0c11';
const DEPARTMENT = '9a1e7f44-2b3c-4d5e-8f60-718293a4b5c6';

describe('the calendar state in the URL', () => {
  it('round-trips a doctor week with an open appointment', () => {
    const state = {
      doctorId: DOCTOR,
      view: 'week' as const,
      date: '2030-07-17',
      appointmentId: DEPARTMENT,
    };
    const search = searchFromCalendarState(state);
    expect(search.toString()).toBe(`doctor=${DOCTOR}&view=week&date=2030-07-17&appointment=${DEPARTMENT}`);
    expect(calendarStateFromSearch(search, '2030-01-01')).toEqual(state);
  });

  it('falls back to a day view of today and ignores malformed ids and dates', () => {
    expect(
      calendarStateFromSearch(new URLSearchParams('doctor=42&view=month&date=2030-02-30'), '2030-07-15'),
    ).toEqual({ view: 'day', date: '2030-07-15' });
  });

  it('prefers the doctor when both a doctor and a department are given', () => {
    const state = calendarStateFromSearch(
      new URLSearchParams(`department=${DEPARTMENT}&doctor=${DOCTOR}`),
      '2030-07-15',
    );
    expect(state.doctorId).toBe(DOCTOR);
    expect(state.departmentId).toBeUndefined();
    expect(
      calendarStateFromSearch(new URLSearchParams(`department=${DEPARTMENT}`), '2030-07-15').departmentId,
    ).toBe(DEPARTMENT);
  });
});
