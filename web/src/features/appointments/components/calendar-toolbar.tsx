import { Button, Group, SegmentedControl, Select, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { IconChevronLeft, IconChevronRight } from '@/components/ui/icons';
import type { Department, Doctor } from '../api/appointments';
import classes from './calendar.module.css';
import type { CalendarState } from './calendar-state';
import { isCalendarDate } from './zoned-time';

export type CalendarOwnerKind = 'doctor' | 'department';

/** Whose calendar (a doctor or a department), day or week, and which date. */
export function CalendarToolbar({
  state,
  ownerKind,
  doctors,
  departments,
  today,
  onOwnerKind,
  onChange,
  onStep,
}: {
  state: CalendarState;
  ownerKind: CalendarOwnerKind;
  doctors: readonly Doctor[];
  departments: readonly Department[];
  today: string;
  onOwnerKind: (kind: CalendarOwnerKind) => void;
  onChange: (next: Partial<CalendarState>) => void;
  onStep: (direction: -1 | 1) => void;
}): ReactNode {
  const unit = state.view === 'day' ? 'day' : 'week';
  return (
    <div className={classes.toolbar}>
      <SegmentedControl
        aria-label="Calendar of"
        value={ownerKind}
        onChange={(value) => onOwnerKind(value)}
        data={[
          { value: 'doctor', label: 'By doctor' },
          { value: 'department', label: 'By department' },
        ]}
      />
      {ownerKind === 'doctor' ? (
        <Select
          className={classes.picker}
          label="Doctor"
          placeholder="Choose a doctor"
          searchable
          nothingFoundMessage="No doctor matches."
          data={doctors.map((doctor) => ({
            value: doctor.id,
            label: `${doctor.name} · ${doctor.specialization}`,
          }))}
          value={state.doctorId ?? null}
          onChange={(doctorId) => onChange({ doctorId: doctorId ?? undefined, departmentId: undefined })}
        />
      ) : (
        <Select
          className={classes.picker}
          label="Department"
          placeholder="Choose a department"
          searchable
          nothingFoundMessage="No department matches."
          data={departments.map((department) => ({ value: department.id, label: department.name }))}
          value={state.departmentId ?? null}
          onChange={(departmentId) =>
            onChange({ departmentId: departmentId ?? undefined, doctorId: undefined })
          }
        />
      )}
      <SegmentedControl
        aria-label="View"
        value={state.view}
        onChange={(value) => onChange({ view: value })}
        data={[
          { value: 'day', label: 'Day' },
          { value: 'week', label: 'Week' },
        ]}
      />
      <Group gap={4} align="flex-end">
        <Button variant="default" px="xs" aria-label={`Previous ${unit}`} onClick={() => onStep(-1)}>
          <IconChevronLeft size={18} aria-hidden />
        </Button>
        <Button variant="default" onClick={() => onChange({ date: today })} disabled={state.date === today}>
          Today
        </Button>
        <Button variant="default" px="xs" aria-label={`Next ${unit}`} onClick={() => onStep(1)}>
          <IconChevronRight size={18} aria-hidden />
        </Button>
      </Group>
      <TextInput
        className={classes.dateInput}
        type="date"
        label="Date"
        value={state.date}
        onChange={(event) => {
          const date = event.currentTarget.value;
          if (isCalendarDate(date)) onChange({ date });
        }}
      />
    </div>
  );
}
