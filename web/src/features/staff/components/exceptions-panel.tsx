import { Badge, Button, Paper, Select, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState, type ReactNode } from 'react';
import { FormActions } from '@/components/ui/form-actions';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { RemovableList } from '@/components/ui/removable-list';
import { isApiError } from '@/lib/api-client';
import { formatDate, localToday } from '@/lib/format';
import { formProblem } from '@/lib/problem';
import { useCan } from '@/lib/session';
import { useAddScheduleExceptions, useRemoveScheduleException, useScheduleExceptions } from '../api/doctors';
import {
  describeException,
  EMPTY_EXCEPTION_FORM,
  EXCEPTION_CHOICES,
  exceptionRequests,
  needsTimes,
  validateExceptionForm,
  type ExceptionChoice,
  type ExceptionFormValues,
} from './schedule-exception';
import classes from './staff.module.css';

const FORM_FIELDS = ['date', 'start', 'end', 'reason'] as const;

function AddExceptionForm({ doctorId, onDone }: { doctorId: string; onDone: () => void }): ReactNode {
  const add = useAddScheduleExceptions(doctorId);
  const today = localToday();
  const form = useForm<ExceptionFormValues>({
    mode: 'controlled',
    initialValues: EMPTY_EXCEPTION_FORM,
    validate: (values) => validateExceptionForm(values, today),
  });
  const choice = form.getValues().choice;
  const submit = form.onSubmit(async (values) => {
    try {
      await add.mutateAsync(exceptionRequests(values));
      notifications.show({ color: 'green', title: 'Saved', message: 'The schedule change is recorded.' });
      onDone();
    } catch (error) {
      if (isApiError(error)) form.setErrors(formProblem(error.problem, FORM_FIELDS).fieldErrors);
    }
  });
  const { showAlert } = formProblem(add.error?.problem, FORM_FIELDS);
  return (
    <form onSubmit={submit} noValidate aria-label="Add leave or changed hours">
      {showAlert ? <ProblemAlert error={add.error} title="The change was not recorded" /> : null}
      <div className={classes.formGrid}>
        <TextInput label="Date" type="date" required min={today} {...form.getInputProps('date')} />
        <Select
          label="Change"
          data={EXCEPTION_CHOICES}
          allowDeselect={false}
          {...form.getInputProps('choice')}
          onChange={(value) => form.setFieldValue('choice', (value ?? 'day-off') as ExceptionChoice)}
        />
        {needsTimes(choice) ? (
          <>
            <TextInput
              label={choice === 'away' ? 'Away from' : 'From'}
              type="time"
              required
              {...form.getInputProps('start')}
            />
            <TextInput
              label={choice === 'away' ? 'Away until' : 'Until'}
              type="time"
              required
              {...form.getInputProps('end')}
            />
          </>
        ) : null}
        <TextInput
          label="Reason"
          description="Optional; shown to staff who book"
          className={classes.wide}
          {...form.getInputProps('reason')}
        />
      </div>
      {choice === 'changed-hours' ? (
        <Text size="sm" c="dimmed" mt="xs">
          Recorded as a day off plus a session with these hours.
        </Text>
      ) : null}
      <FormActions submitLabel="Add change" loading={add.isPending} onCancel={onDone} mt="md" />
    </form>
  );
}

/** Dated changes to the weekly hours, from today: leave, time away, extra sessions, changed hours. */
export function ExceptionsPanel({ doctorId, archived }: { doctorId: string; archived: boolean }): ReactNode {
  const exceptions = useScheduleExceptions(doctorId);
  const remove = useRemoveScheduleException(doctorId);
  const canEdit = useCan('doctors:write') && !archived;
  const [adding, setAdding] = useState(false);
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="exceptions-heading">
      <Title order={2} size="h3" mb={4} id="exceptions-heading">
        Leave and changed hours
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Days off and other changes to the weekly hours, from today on.
      </Text>
      <RemovableList
        query={exceptions}
        remove={remove}
        canRemove={canEdit}
        loadingLabel="Loading the schedule changes"
        removeErrorTitle="The change was not removed"
        empty="No leave or changed hours ahead."
        testId="schedule-exceptions"
        head={
          <>
            <Table.Th>Date</Table.Th>
            <Table.Th>Change</Table.Th>
            <Table.Th>Reason</Table.Th>
          </>
        }
        cells={(exception) => (
          <>
            <Table.Td>{formatDate(exception.date)}</Table.Td>
            <Table.Td>
              <Badge
                size="sm"
                variant="light"
                color={exception.kind === 'extra' ? 'teal' : 'orange'}
                tt="none"
              >
                {describeException(exception)}
              </Badge>
            </Table.Td>
            <Table.Td>{exception.reason ?? '—'}</Table.Td>
          </>
        )}
        removeLabel={(exception) => `Remove ${describeException(exception)} on ${formatDate(exception.date)}`}
      />
      {canEdit && adding ? (
        <Paper withBorder p="md" mt="md" radius="sm">
          <AddExceptionForm doctorId={doctorId} onDone={() => setAdding(false)} />
        </Paper>
      ) : null}
      {canEdit && !adding ? (
        <Button mt="md" variant="light" onClick={() => setAdding(true)}>
          Add leave or changed hours
        </Button>
      ) : null}
    </Paper>
  );
}
