import { Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import type { KeyboardEvent, ReactNode } from 'react';
import { humanise } from '@/lib/format';
import type { Appointment } from '../api/appointments';
import classes from './calendar.module.css';
import {
  columnSummary,
  dayLabel,
  moveFocus,
  type CalendarColumn,
  type CalendarEntry,
  type DoctorRef,
} from './calendar-grid';

/** What the calendar asks its page to do: book a free slot (for roles that may) or open an appointment. */
export interface CalendarHandlers {
  readonly onFreeSlot?: (entry: { start: string; end: string; doctors: readonly DoctorRef[] }) => void;
  readonly onAppointment: (appointment: Appointment) => void;
}

function freeLabel(doctors: readonly DoctorRef[], showDoctors: boolean): string {
  if (!showDoctors) return 'Free';
  if (doctors.length === 1) return `Free: ${doctors[0]!.doctorName}`;
  return `Free: ${doctors.length} doctors`;
}

function EntryButton({
  entry,
  column,
  row,
  showDoctors,
  handlers,
}: {
  entry: CalendarEntry;
  column: number;
  row: number;
  showDoctors: boolean;
  handlers: CalendarHandlers;
}): ReactNode {
  const cell = { 'data-cell': `${column}:${row}` };
  const time = (
    <span className={classes.time}>
      {entry.startTime}–{entry.endTime}
    </span>
  );
  if (entry.kind === 'free') {
    const { onFreeSlot } = handlers;
    if (!onFreeSlot) {
      return (
        <div className={`${classes.entry} ${classes.free}`} data-testid="free-slot">
          {time} {freeLabel(entry.doctors, showDoctors)}
        </div>
      );
    }
    return (
      <UnstyledButton
        {...cell}
        className={`${classes.entry} ${classes.free}`}
        data-testid="free-slot"
        onClick={() => onFreeSlot(entry)}
      >
        {time} {freeLabel(entry.doctors, showDoctors)}
        <VisuallyHidden>, book this time</VisuallyHidden>
      </UnstyledButton>
    );
  }
  const { appointment } = entry;
  return (
    <UnstyledButton
      {...cell}
      className={`${classes.entry} ${classes[appointment.status] ?? ''}`}
      data-testid="calendar-appointment"
      onClick={() => handlers.onAppointment(appointment)}
    >
      {time} <strong>{appointment.patientName}</strong>
      {showDoctors ? (
        <Text span size="xs" display="block">
          {appointment.doctorName}
        </Text>
      ) : null}
      <Text span size="xs" display="block">
        {humanise(appointment.status)}
        {appointment.overbooked ? ' · overbooked' : ''}
      </Text>
    </UnstyledButton>
  );
}

/**
 * The calendar: a column per day (or per doctor), each listing booked appointments and free slots in
 * time order. Every entry is a button; the arrow keys move between entries, Home and End within a day.
 */
export function CalendarView({
  columns,
  today,
  showDoctors,
  handlers,
}: {
  columns: readonly CalendarColumn[];
  today: string;
  /** A department's week: name the doctor of each entry. */
  showDoctors: boolean;
  handlers: CalendarHandlers;
}): ReactNode {
  const rowCounts = columns.map((column) => column.entries.length);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const cell = (event.target as HTMLElement).closest<HTMLElement>('[data-cell]')?.dataset['cell'];
    if (!cell) return;
    const [column, row] = cell.split(':').map(Number) as [number, number];
    const next = moveFocus({ column, row }, event.key, rowCounts);
    if (!next) return;
    const target = event.currentTarget.querySelector<HTMLElement>(`[data-cell="${next.column}:${next.row}"]`);
    if (!target) return;
    event.preventDefault();
    target.focus();
  };
  return (
    // Arrow keys are a shortcut on top of Tab, which reaches every entry too.
    <div
      className={`${classes.grid} ${columns.length === 1 ? classes.singleColumn : ''}`}
      onKeyDown={onKeyDown}
      data-testid="calendar"
    >
      {columns.map((column, columnIndex) => {
        const headingId = `calendar-column-${column.key}`;
        return (
          <section
            key={column.key}
            className={classes.column}
            aria-labelledby={headingId}
            data-testid="calendar-column"
          >
            <div className={`${classes.columnHeader} ${column.date === today ? classes.today : ''}`}>
              <Text component="h3" fw={700} size="sm" id={headingId}>
                {column.doctor ? column.doctor.doctorName : dayLabel(column.date)}
                {column.date === today && !column.doctor ? <VisuallyHidden> (today)</VisuallyHidden> : null}
              </Text>
              <Text size="xs" c="dimmed">
                {columnSummary(column)}
              </Text>
            </div>
            {column.entries.length === 0 ? (
              <Text size="sm" c="dimmed" p="xs">
                No appointments or free slots.
              </Text>
            ) : (
              <ul className={classes.entries}>
                {column.entries.map((entry, row) => (
                  <li key={entry.key}>
                    <EntryButton
                      entry={entry}
                      column={columnIndex}
                      row={row}
                      showDoctors={showDoctors}
                      handlers={handlers}
                    />
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}
