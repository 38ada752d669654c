import { Button, Paper } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { DetailList } from '@/components/ui/detail-list';
import { VersionedEditForm } from '@/components/ui/versioned-edit-form';
import { formatDate, formatDateTime, humanise, localToday } from '@/lib/format';
import { useCan } from '@/lib/session';
import { useVersionedEdit } from '@/lib/versioned-edit';
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
  type PatientFormValues,
} from './patient-form';
import { PatientFormFields } from './patient-form-fields';

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
  return <DetailList rows={rows} columnWidth="15rem" />;
}

/** "Apply my changes": the fields this user changed (as the server would store them) over the new version. */
function keepMine(
  base: VersionedPatient,
  current: VersionedPatient,
  mine: PatientFormValues,
): PatientFormValues {
  const merged = { ...formValuesFrom(current.patient) };
  for (const field of Object.keys(changesFrom(base.patient, mine)) as (keyof PatientFormValues)[])
    merged[field] = mine[field] as never;
  return merged;
}

function EditForm({ record, onDone }: { record: VersionedPatient; onDone: () => void }): ReactNode {
  const patientId = record.patient.id;
  const edit = useVersionedEdit({
    record,
    recordQuery: patientQueryOptions(patientId),
    update: useUpdatePatient(patientId),
    formValues: (version) => formValuesFrom(version.patient),
    validate: (values) => validatePatientForm(values, localToday()),
    changes: (base, values) => changesFrom(base.patient, values),
    conflictRows: (base, current, values) => conflictRows(base.patient, current.patient, values),
    keepMine,
    savedAt: (version) => version.patient.updatedAt,
    fields: PATIENT_FIELDS,
    savedMessage: 'The patient record is up to date.',
    onDone,
  });
  return (
    <VersionedEditForm edit={edit} label="Edit patient details" saveLabel="Save changes" onCancel={onDone}>
      <PatientFormFields form={edit.form} />
    </VersionedEditForm>
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
