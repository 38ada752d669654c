import { Anchor, Badge, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { formatDateTime, humanise } from '@/lib/format';
import { useCan } from '@/lib/session';
import {
  useAppointmentTransition,
  useRescheduleAppointment,
  type Appointment,
  type AppointmentTransition,
} from '../api/appointments';
import { ACTION_LABELS, availableActions, refusalTitle } from './appointment-actions';
import { timeFormValuesOf, timeRangeOf, type TimeFormErrors, type TimeFormValues } from './booking-form';
import { dayLabel, longDayLabel } from './calendar-grid';
import { TimeFields } from './time-fields';
import { zonedMoment } from './zoned-time';

const STATUS_COLORS: Readonly<Record<Appointment['status'], string>> = {
  scheduled: 'blue',
  checked_in: 'teal',
  completed: 'green',
  cancelled: 'gray',
  no_show: 'orange',
};

const DONE: Readonly<Record<AppointmentTransition, string>> = {
  'check-in': 'Checked in',
  complete: 'Visit completed',
  cancel: 'Appointment cancelled',
  'no-show': 'Marked as a no-show',
};

function Detail({ label, children }: { label: string; children: ReactNode }): ReactNode {
  return (
    <div>
      <Text component="dt" size="xs" c="dimmed" fw={700}>
        {label}
      </Text>
      <Text component="dd" size="sm" m={0}>
        {children}
      </Text>
    </div>
  );
}

function CancelForm({ appointment, onDone }: { appointment: Appointment; onDone: () => void }): ReactNode {
  const transition = useAppointmentTransition();
  const [reason, setReason] = useState('');
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    transition.mutate(
      { appointment, transition: 'cancel', ...(reason.trim() ? { reason: reason.trim() } : {}) },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', title: DONE.cancel, message: appointment.patientName });
          onDone();
        },
      },
    );
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <ProblemAlert error={transition.error} title="The appointment was not cancelled" />
        <Textarea
          label="Reason for cancelling"
          description="Optional; kept with the appointment's history."
          autosize
          minRows={2}
          maxLength={1000}
          data-autofocus
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button type="submit" color="red" loading={transition.isPending}>
            Cancel appointment
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RescheduleForm({
  appointment,
  timeZone,
  onDone,
}: {
  appointment: Appointment;
  timeZone: string;
  onDone: () => void;
}): ReactNode {
  const reschedule = useRescheduleAppointment();
  const [values, setValues] = useState<TimeFormValues>(() => timeFormValuesOf(appointment, timeZone));
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<TimeFormErrors>({});
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const range = timeRangeOf(values, timeZone);
    setErrors('errors' in range ? range.errors : {});
    if ('errors' in range) return;
    reschedule.mutate(
      { appointment, ...range, ...(note.trim() ? { note: note.trim() } : {}) },
      {
        onSuccess: () => {
          notifications.show({
            color: 'green',
            title: 'Appointment moved',
            message: `${appointment.patientName}: ${dayLabel(values.date)} ${values.startTime}`,
          });
          onDone();
        },
      },
    );
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {reschedule.error ? (
          <ProblemAlert
            error={reschedule.error}
            title={refusalTitle(reschedule.error.problem, 'reschedule')}
          />
        ) : null}
        <TimeFields values={values} onChange={setValues} errors={errors} />
        <Textarea
          label="Why it moves"
          autosize
          minRows={2}
          maxLength={1000}
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={reschedule.isPending}>
            Move appointment
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** An appointment's details and what can be done with it now: check in, complete, cancel, no-show, move. */
export function AppointmentModal({
  appointment,
  timeZone,
  onClose,
}: {
  appointment: Appointment;
  timeZone: string;
  onClose: () => void;
}): ReactNode {
  const canWrite = useCan('appointments:write');
  const canOpenPatient = useCan('patients:read');
  const transition = useAppointmentTransition();
  const [form, setForm] = useState<'cancel' | 'reschedule' | undefined>(undefined);
  const start = zonedMoment(appointment.start, timeZone);
  const end = zonedMoment(appointment.end, timeZone);
  const actions = canWrite ? availableActions(appointment, Date.now()) : [];

  const run = (name: AppointmentTransition): void =>
    transition.mutate(
      { appointment, transition: name },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', title: DONE[name], message: appointment.patientName });
          onClose();
        },
      },
    );

  return (
    <Modal opened onClose={onClose} title={`Appointment of ${appointment.patientName}`} size="lg">
      <Stack gap="md">
        <ProblemAlert error={transition.error} title="Not changed" />
        <Group gap="xs">
          <Badge color={STATUS_COLORS[appointment.status]} variant="light">
            {humanise(appointment.status)}
          </Badge>
          {appointment.overbooked ? (
            <Badge color="orange" variant="light">
              Overbooked
            </Badge>
          ) : null}
        </Group>
        <Stack component="dl" gap="xs" m={0}>
          <Detail label="Patient">
            {canOpenPatient ? (
              <Anchor component={Link} to={`/patients/${appointment.patientId}/appointments`}>
                {appointment.patientName}
              </Anchor>
            ) : (
              appointment.patientName
            )}{' '}
            · MRN {appointment.patientMrn}
          </Detail>
          <Detail label="Doctor">{appointment.doctorName}</Detail>
          <Detail label="When">
            {longDayLabel(start.date)}, {start.time}–{end.time} ({timeZone})
          </Detail>
          <Detail label="Reason">{appointment.reason ?? '—'}</Detail>
          {appointment.checkedInAt ? (
            <Detail label="Checked in">{formatDateTime(appointment.checkedInAt)}</Detail>
          ) : null}
          {appointment.cancelledAt ? (
            <Detail label="Cancelled">
              {formatDateTime(appointment.cancelledAt)}
              {appointment.cancellationReason ? `: ${appointment.cancellationReason}` : ''}
            </Detail>
          ) : null}
        </Stack>
        {actions.length > 0 ? (
          <Group gap="sm">
            {actions.map((action) =>
              action === 'cancel' || action === 'reschedule' ? (
                <Button
                  key={action}
                  variant={form === action ? 'filled' : 'default'}
                  color={action === 'cancel' ? 'red' : undefined}
                  aria-expanded={form === action}
                  onClick={() => setForm(form === action ? undefined : action)}
                >
                  {action === 'cancel' ? 'Cancel appointment…' : 'Reschedule…'}
                </Button>
              ) : (
                <Button
                  key={action}
                  variant={action === 'no-show' ? 'default' : 'filled'}
                  loading={transition.isPending && transition.variables?.transition === action}
                  onClick={() => run(action)}
                >
                  {ACTION_LABELS[action]}
                </Button>
              ),
            )}
          </Group>
        ) : null}
        {form === 'cancel' ? <CancelForm appointment={appointment} onDone={onClose} /> : null}
        {form === 'reschedule' ? (
          <RescheduleForm appointment={appointment} timeZone={timeZone} onDone={onClose} />
        ) : null}
      </Stack>
    </Modal>
  );
}
