import { ActionIcon, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent, type ReactNode } from 'react';
import { FormActions } from '@/components/ui/form-actions';
import { IconPlus, IconTrash } from '@/components/ui/icons';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { isApiError } from '@/lib/api-client';
import { useCan } from '@/lib/session';
import { useReplaceWorkingHours, useWorkingHours, type WorkingHours } from '../api/doctors';
import {
  copyDayToWeekdays,
  describeDay,
  hoursFromRows,
  newRowKey,
  rowsFromHours,
  validateHoursRows,
  weeklyTotal,
  WEEKDAYS,
  type HoursRow,
} from './working-hours';
import classes from './staff.module.css';

function HoursEditor({ current, onDone }: { current: WorkingHours; onDone: () => void }): ReactNode {
  const save = useReplaceWorkingHours(current.doctorId);
  const [rows, setRows] = useState<HoursRow[]>(() => rowsFromHours(current.hours));
  const [showErrors, setShowErrors] = useState(false);
  const errors = validateHoursRows(rows);

  const change = (key: string, part: 'start' | 'end', value: string): void =>
    setRows((previous) => previous.map((row) => (row.key === key ? { ...row, [part]: value } : row)));
  const add = (weekday: number): void => {
    const last = rows.filter((row) => row.weekday === weekday).at(-1);
    // A new interval starts where the last one ended: the usual afternoon after a lunch break.
    setRows((previous) => [
      ...previous,
      { key: newRowKey(), weekday, start: last ? last.end : '08:00', end: last ? '' : '17:00' },
    ]);
  };
  const remove = (key: string): void => setRows((previous) => previous.filter((row) => row.key !== key));

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (Object.keys(errors).length > 0) {
      setShowErrors(true);
      return;
    }
    try {
      await save.mutateAsync(hoursFromRows(rows));
      notifications.show({ color: 'green', title: 'Saved', message: 'The working hours are up to date.' });
      onDone();
    } catch (error) {
      if (!isApiError(error)) throw error;
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-label="Edit working hours">
      <ProblemAlert error={save.error} title="The working hours were not saved" />
      {showErrors && Object.keys(errors).length > 0 ? (
        <Text c="red.9" size="sm" mb="sm" role="alert">
          Some hours need attention before saving.
        </Text>
      ) : null}
      {WEEKDAYS.map(({ weekday, name }) => {
        const dayRows = rows.filter((row) => row.weekday === weekday);
        return (
          <div key={weekday} className={classes.day} role="group" aria-label={name}>
            <Text className={classes.dayName}>{name}</Text>
            <Stack gap="xs">
              {dayRows.length === 0 ? (
                <Text size="sm" c="dimmed" pt={6}>
                  Not working
                </Text>
              ) : null}
              {dayRows.map((row, index) => (
                <div key={row.key} className={classes.interval}>
                  <TextInput
                    type="time"
                    aria-label={`${name} interval ${index + 1} start`}
                    value={row.start}
                    onChange={(event) => change(row.key, 'start', event.currentTarget.value)}
                    className={classes.timeInput}
                  />
                  <Text pt={6} aria-hidden>
                    –
                  </Text>
                  <TextInput
                    type="time"
                    aria-label={`${name} interval ${index + 1} end`}
                    value={row.end}
                    onChange={(event) => change(row.key, 'end', event.currentTarget.value)}
                    className={classes.timeInput}
                    error={showErrors ? errors[row.key] : undefined}
                  />
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    size="lg"
                    aria-label={`Remove ${name} interval ${index + 1}`}
                    onClick={() => remove(row.key)}
                  >
                    <IconTrash size={16} aria-hidden />
                  </ActionIcon>
                </div>
              ))}
              <Group gap="xs">
                <Button
                  variant="subtle"
                  size="compact-sm"
                  leftSection={<IconPlus size={14} aria-hidden />}
                  onClick={() => add(weekday)}
                  aria-label={`Add hours on ${name}`}
                >
                  Add hours
                </Button>
                {weekday === 1 && dayRows.length > 0 ? (
                  <Button
                    variant="subtle"
                    size="compact-sm"
                    onClick={() => setRows((previous) => copyDayToWeekdays(previous, 1))}
                  >
                    Copy Monday to Tuesday–Friday
                  </Button>
                ) : null}
              </Group>
            </Stack>
          </div>
        );
      })}
      <Text size="sm" c="dimmed" mt="sm">
        {weeklyTotal(rows)} a week. An end of 00:00 means midnight. A gap between two intervals is a break.
      </Text>
      <FormActions submitLabel="Save working hours" loading={save.isPending} onCancel={onDone} mt="md" />
    </form>
  );
}

/** The weekly hours (local to the hospital's time zone) and, for those who may, their editor. */
export function WorkingHoursPanel({
  doctorId,
  archived,
}: {
  doctorId: string;
  archived: boolean;
}): ReactNode {
  const hours = useWorkingHours(doctorId);
  const canEdit = useCan('doctors:write');
  const [editing, setEditing] = useState(false);
  return (
    <Paper
      withBorder
      p="lg"
      radius="md"
      component="section"
      aria-labelledby="working-hours-heading"
      // The editor needs the page's width for a row of two times and a button on one line.
      className={editing ? classes.wide : undefined}
    >
      <Title order={2} size="h3" mb={4} id="working-hours-heading">
        Working hours
      </Title>
      {hours.data ? (
        <Text size="sm" c="dimmed" mb="md">
          Every week, in local time ({hours.data.timeZone}).
        </Text>
      ) : null}
      {hours.isPending ? <PageLoader label="Loading the working hours" /> : null}
      <ProblemAlert error={hours.error} onRetry={() => void hours.refetch()} />
      {hours.data && editing ? <HoursEditor current={hours.data} onDone={() => setEditing(false)} /> : null}
      {hours.data && !editing ? (
        <>
          <Table verticalSpacing={6} data-testid="working-hours">
            <Table.Tbody>
              {WEEKDAYS.map(({ weekday, name }) => (
                <Table.Tr key={weekday}>
                  <Table.Th scope="row" w="9rem">
                    {name}
                  </Table.Th>
                  <Table.Td>{describeDay(hours.data.hours, weekday)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {canEdit && !archived ? (
            <Button mt="md" onClick={() => setEditing(true)}>
              Edit working hours
            </Button>
          ) : null}
        </>
      ) : null}
    </Paper>
  );
}
