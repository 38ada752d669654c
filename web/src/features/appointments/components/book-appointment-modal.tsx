import { Button, Checkbox, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { newIdempotencyKey } from '@/lib/api-client';
import { useCan } from '@/lib/session';
import { useBookAppointment, type PatientOption } from '../api/appointments';
import { refusalTitle } from './appointment-actions';
import { timeRangeOf, type TimeFormErrors, type TimeFormValues } from './booking-form';
import { dayLabel, type DoctorRef } from './calendar-grid';
import { PatientPicker } from './patient-picker';
import { TimeFields } from './time-fields';

/** A booking: a free slot clicked in the calendar (times and free doctors), or a blank form. */
export interface BookingDraft {
  readonly values: TimeFormValues;
  /** The doctors to choose from; the first is chosen when there is one. */
  readonly doctors: readonly DoctorRef[];
}

/**
 * Books a patient: chosen by search, with the doctor, date, times (prefilled from the slot, editable)
 * and the reason. The server's refusals (the time is taken: 409; outside working hours: 422) are shown
 * in its own words.
 */
export function BookAppointmentModal({
  draft,
  timeZone,
  onClose,
}: {
  draft: BookingDraft;
  timeZone: string;
  onClose: () => void;
}): ReactNode {
  const [idempotencyKey] = useState(newIdempotencyKey);
  const book = useBookAppointment(idempotencyKey);
  const [patient, setPatient] = useState<PatientOption | undefined>(undefined);
  const [doctorId, setDoctorId] = useState<string | null>(
    draft.doctors.length === 1 ? draft.doctors[0]!.doctorId : null,
  );
  const [values, setValues] = useState<TimeFormValues>(draft.values);
  const [reason, setReason] = useState('');
  const canOverbook = useCan('appointments:overbook');
  const [overbook, setOverbook] = useState(false);
  const [errors, setErrors] = useState<TimeFormErrors & { patient?: string; doctor?: string }>({});

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const range = timeRangeOf(values, timeZone);
    const found = {
      ...('errors' in range ? range.errors : {}),
      ...(patient ? {} : { patient: 'Choose the patient.' }),
      ...(doctorId ? {} : { doctor: 'Choose the doctor.' }),
    };
    setErrors(found);
    if ('errors' in range || !patient || !doctorId) return;
    book.reset();
    book.mutate(
      {
        patientId: patient.id,
        doctorId,
        start: range.start,
        end: range.end,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
        ...(canOverbook && overbook ? { overbook: true } : {}),
      },
      {
        onSuccess: (appointment) => {
          notifications.show({
            color: 'green',
            title: 'Appointment booked',
            message: `${appointment.patientName} with ${appointment.doctorName}, ${dayLabel(values.date)} ${values.startTime}`,
          });
          onClose();
        },
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title="Book an appointment" size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {book.error ? (
            <ProblemAlert error={book.error} title={refusalTitle(book.error.problem, 'book')} />
          ) : null}
          <PatientPicker value={patient} onChange={setPatient} error={errors.patient} />
          <Select
            label="Doctor"
            required
            data={draft.doctors.map((doctor) => ({ value: doctor.doctorId, label: doctor.doctorName }))}
            value={doctorId}
            onChange={setDoctorId}
            allowDeselect={false}
            error={errors.doctor}
          />
          <TimeFields values={values} onChange={setValues} errors={errors} />
          <Text size="xs" c="dimmed">
            Times are in the hospital&apos;s time zone ({timeZone}).
          </Text>
          <Textarea
            label="Reason for the visit"
            autosize
            minRows={2}
            maxLength={1000}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
          />
          {canOverbook ? (
            <Checkbox
              label="Outside the doctor's working hours (overbook; audited)"
              checked={overbook}
              onChange={(event) => setOverbook(event.currentTarget.checked)}
            />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={book.isPending}>
              Book appointment
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
