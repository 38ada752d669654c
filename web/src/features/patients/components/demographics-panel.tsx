import { Alert, Button, Group, Paper, Table, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { isApiError } from '@/lib/api-client';
import { formatDate, formatDateTime, humanise, localToday } from '@/lib/format';
import { formProblem } from '@/lib/problem';
import { useCan } from '@/lib/session';
import {
  patientQueryOptions,
  usePatient,
  useUpdatePatient,
  type Patient,
  type VersionedPatient,
} from '../api/patients';
import {
  changesFrom,
  conflictRows,
  FIELD_LABELS,
  formValuesFrom,
  PATIENT_FIELDS,
  validatePatientForm,
  type ConflictRow,
  type PatientFormValues,
} from './patient-form';
import { PatientFormFields } from './patient-form-fields';
import classes from './patient-form.module.css';

function Details({ patient }: { patient: Patient }): ReactNode {
  const rows: [string, string][] = [
    [FIELD_LABELS.name, patient.name],
    [FIELD_LABELS.dateOfBirth, formatDate(patient.dateOfBirth)],
    [FIELD_LABELS.sex, humanise(patient.sex)],
    [FIELD_LABELS.phone, patient.phone ?? '—'],
    [FIELD_LABELS.email, patient.email ?? '—'],
    [FIELD_LABELS.address, patient.address ?? '—'],
    [FIELD_LABELS.emergencyContactName, patient.emergencyContactName ?? '—'],
    [FIELD_LABELS.emergencyContactPhone, patient.emergencyContactPhone ?? '—'],
    [FIELD_LABELS.insuranceProvider, patient.insuranceProvider ?? '—'],
    [FIELD_LABELS.insuranceNumber, patient.insuranceNumber ?? '—'],
    ['Registered', formatDateTime(patient.createdAt)],
    ['Last changed', formatDateTime(patient.updatedAt)],
  ];
  return (
    <dl className={classes.details}>
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

interface Conflict {
  readonly current: VersionedPatient;
  readonly rows: ConflictRow[];
}

function ConflictNotice({
  conflict,
  onUseCurrent,
  onKeepMine,
}: {
  conflict: Conflict;
  onUseCurrent: () => void;
  onKeepMine: () => void;
}): ReactNode {
  const alert = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // The save button is at the bottom of a long form: bring the explanation into view.
    alert.current?.scrollIntoView({ block: 'start' });
    alert.current?.focus();
  }, []);
  return (
    <Alert
      ref={alert}
      tabIndex={-1}
      color="orange"
      variant="light"
      role="alert"
      title="Someone else changed this record while you were editing"
      mb="md"
      data-testid="edit-conflict"
    >
      <Text size="sm" mb="xs">
        Your changes were <strong>not saved</strong>. The record was saved by someone else at{' '}
        {formatDateTime(conflict.current.patient.updatedAt)}. Compare the values and choose what to keep.
      </Text>
      <Table withTableBorder withColumnBorders fz="sm" mb="sm" bg="white">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Field</Table.Th>
            <Table.Th>Now in the record</Table.Th>
            <Table.Th>Your change</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {conflict.rows.map((row) => (
            <Table.Tr key={row.field}>
              <Table.Td>{row.label}</Table.Td>
              <Table.Td fw={row.changedByOther ? 700 : undefined}>{row.current}</Table.Td>
              <Table.Td>{row.mine}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group gap="sm">
        <Button variant="default" onClick={onUseCurrent}>
          Discard my changes
        </Button>
        <Button onClick={onKeepMine}>Apply my changes to the new version</Button>
      </Group>
    </Alert>
  );
}

function EditForm({ record, onDone }: { record: VersionedPatient; onDone: () => void }): ReactNode {
  const patientId = record.patient.id;
  const queryClient = useQueryClient();
  const update = useUpdatePatient(patientId);
  // The version the edit is based on: the If-Match of the save.
  const [base, setBase] = useState<VersionedPatient>(record);
  const [conflict, setConflict] = useState<Conflict | undefined>(undefined);
  const form = useForm<PatientFormValues>({
    mode: 'controlled',
    initialValues: formValuesFrom(record.patient),
    validate: (values) => validatePatientForm(values, localToday()),
  });

  const submit = form.onSubmit(async (values) => {
    const changes = changesFrom(base.patient, values);
    if (Object.keys(changes).length === 0) {
      onDone();
      return;
    }
    try {
      await update.mutateAsync({ etag: base.etag, changes });
      notifications.show({ color: 'green', title: 'Saved', message: 'The patient record is up to date.' });
      onDone();
    } catch (error) {
      if (!isApiError(error)) return;
      if (error.status === 412) {
        const current = await queryClient.fetchQuery({ ...patientQueryOptions(patientId), staleTime: 0 });
        setConflict({ current, rows: conflictRows(base.patient, current.patient, values) });
        update.reset();
      } else {
        form.setErrors(formProblem(error.problem, PATIENT_FIELDS).fieldErrors);
      }
    }
  });

  const useCurrent = (): void => {
    if (!conflict) return;
    setBase(conflict.current);
    form.setValues(formValuesFrom(conflict.current.patient));
    setConflict(undefined);
  };
  const keepMine = (): void => {
    if (!conflict) return;
    const mine = changesFrom(base.patient, form.getValues());
    const merged = { ...formValuesFrom(conflict.current.patient) };
    for (const field of Object.keys(mine) as (keyof PatientFormValues)[])
      merged[field] = form.getValues()[field] as never;
    setBase(conflict.current);
    form.setValues(merged);
    setConflict(undefined);
  };

  const { showAlert } = formProblem(update.error?.problem, PATIENT_FIELDS);
  return (
    <form onSubmit={submit} noValidate aria-label="Edit patient details">
      {conflict ? (
        <ConflictNotice conflict={conflict} onUseCurrent={useCurrent} onKeepMine={keepMine} />
      ) : null}
      {showAlert ? <ProblemAlert error={update.error} title="The changes were not saved" /> : null}
      <PatientFormFields form={form} />
      <Group mt="lg" gap="sm">
        <Button type="submit" loading={update.isPending} disabled={conflict !== undefined}>
          Save changes
        </Button>
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
      </Group>
    </form>
  );
}

/** The demographics, and their editing with optimistic locking (If-Match; a clear message on 412). */
export function DemographicsPanel({ patientId }: { patientId: string }): ReactNode {
  const record = usePatient(patientId);
  const canEdit = useCan('patients:write');
  const [editing, setEditing] = useState(false);
  if (!record.data) return null;
  return (
    <Paper withBorder p="lg" radius="md">
      {editing ? (
        <EditForm record={record.data} onDone={() => setEditing(false)} />
      ) : (
        <>
          <Details patient={record.data.patient} />
          {canEdit && !record.data.patient.archived ? (
            <Button mt="md" onClick={() => setEditing(true)}>
              Edit details
            </Button>
          ) : null}
        </>
      )}
    </Paper>
  );
}
