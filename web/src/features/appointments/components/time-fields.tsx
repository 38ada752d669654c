import { TextInput } from '@mantine/core';
import type { ChangeEvent, ReactNode } from 'react';
import type { TimeFormErrors, TimeFormValues } from './booking-form';
import classes from './calendar.module.css';

/** Date, start and end of a booking or a move (the browser's own date and time inputs). */
export function TimeFields({
  values,
  onChange,
  errors,
}: {
  values: TimeFormValues;
  onChange: (values: TimeFormValues) => void;
  errors: TimeFormErrors;
}): ReactNode {
  const set =
    (name: keyof TimeFormValues) =>
    (event: ChangeEvent<HTMLInputElement>): void =>
      onChange({ ...values, [name]: event.currentTarget.value });
  return (
    <div className={classes.timeRow}>
      <TextInput
        type="date"
        label="Date"
        required
        value={values.date}
        onChange={set('date')}
        error={errors.date}
      />
      <TextInput
        type="time"
        label="Start"
        required
        value={values.startTime}
        onChange={set('startTime')}
        error={errors.startTime}
      />
      <TextInput
        type="time"
        label="End"
        required
        value={values.endTime}
        onChange={set('endTime')}
        error={errors.endTime}
      />
    </div>
  );
}
