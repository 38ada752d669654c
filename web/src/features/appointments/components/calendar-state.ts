import type { CalendarView } from './calendar-grid';
import { isCalendarDate } from './zoned-time';

/** The calendar's state, kept in the URL so that a link or a reload shows the same calendar. */
export interface CalendarState {
  readonly doctorId?: string;
  readonly departmentId?: string;
  readonly view: CalendarView;
  readonly date: string;
  /** The appointment whose details are open. */
  readonly appointmentId?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads the state; unknown or malformed values fall back to a doctor-less day view of `today`. */
export function calendarStateFromSearch(search: URLSearchParams, today: string): CalendarState {
  const id = (name: string): string | undefined => {
    const value = search.get(name) ?? '';
    return UUID.test(value) ? value.toLowerCase() : undefined;
  };
  const date = search.get('date') ?? '';
  const doctorId = id('doctor');
  const departmentId = doctorId ? undefined : id('department');
  const appointmentId = id('appointment');
  return {
    ...(doctorId ? { doctorId } : {}),
    ...(departmentId ? { departmentId } : {}),
    view: search.get('view') === 'week' ? 'week' : 'day',
    date: isCalendarDate(date) ? date : today,
    ...(appointmentId ? { appointmentId } : {}),
  };
}

export function searchFromCalendarState(state: CalendarState): URLSearchParams {
  const search = new URLSearchParams();
  if (state.doctorId) search.set('doctor', state.doctorId);
  else if (state.departmentId) search.set('department', state.departmentId);
  search.set('view', state.view);
  search.set('date', state.date);
  if (state.appointmentId) search.set('appointment', state.appointmentId);
  return search;
}
