import { Anchor, Button, Paper, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { DetailList } from '@/components/ui/detail-list';
import { VersionedEditForm } from '@/components/ui/versioned-edit-form';
import { conflictRows } from '@/lib/edit-conflict';
import { formatDateTime } from '@/lib/format';
import { useCan } from '@/lib/session';
import { useVersionedEdit } from '@/lib/versioned-edit';
import { useAllDepartments } from '../api/departments';
import { doctorQueryOptions, useUpdateDoctor, type VersionedDoctor } from '../api/doctors';
import {
  DOCTOR_FIELDS,
  DOCTOR_LABELS,
  doctorChanges,
  doctorFormValues,
  validateDoctorForm,
} from './doctor-form';
import { DoctorFormFields } from './doctor-form-fields';

function EditDoctorForm({ record, onDone }: { record: VersionedDoctor; onDone: () => void }): ReactNode {
  const doctorId = record.doctor.id;
  const departments = useAllDepartments();
  const departmentName = (id: string): string =>
    id ? (departments.data?.items.find((item) => item.id === id)?.name ?? id) : '—';
  const edit = useVersionedEdit({
    record,
    recordQuery: doctorQueryOptions(doctorId),
    update: useUpdateDoctor(doctorId),
    formValues: (version) => doctorFormValues(version.doctor),
    validate: validateDoctorForm,
    changes: (base, values) => doctorChanges(base.doctor, values),
    conflictRows: (base, current, values) =>
      conflictRows(
        DOCTOR_FIELDS,
        DOCTOR_LABELS,
        doctorFormValues(base.doctor),
        doctorFormValues(current.doctor),
        values,
      ).map((row) =>
        row.field === 'departmentId'
          ? {
              ...row,
              current: departmentName(doctorFormValues(current.doctor).departmentId),
              mine: departmentName(values.departmentId),
            }
          : row,
      ),
    savedAt: (version) => version.doctor.updatedAt,
    fields: DOCTOR_FIELDS,
    savedMessage: 'The doctor’s profile is up to date.',
    onDone,
  });
  return (
    <VersionedEditForm edit={edit} label="Edit doctor profile" saveLabel="Save profile" onCancel={onDone}>
      <DoctorFormFields form={edit.form} />
    </VersionedEditForm>
  );
}

/** The doctor's profile, and its editing with optimistic locking (If-Match; a clear choice on 412). */
export function DoctorProfilePanel({ record }: { record: VersionedDoctor }): ReactNode {
  const canEdit = useCan('doctors:write');
  const [editing, setEditing] = useState(false);
  const departments = useAllDepartments();
  const { doctor } = record;
  const department = departments.data?.items.find((item) => item.id === doctor.departmentId);
  const rows: [string, ReactNode][] = [
    [DOCTOR_LABELS.specialization, doctor.specialization],
    [
      DOCTOR_LABELS.departmentId,
      doctor.departmentId ? (
        <Anchor component={Link} to={`/departments/${doctor.departmentId}`}>
          {department?.name ?? 'Department'}
        </Anchor>
      ) : (
        '—'
      ),
    ],
    [DOCTOR_LABELS.licenseNumber, doctor.licenseNumber],
    [DOCTOR_LABELS.phone, doctor.phone ?? '—'],
    [DOCTOR_LABELS.email, doctor.email ?? '—'],
    [DOCTOR_LABELS.slotMinutes, String(doctor.slotMinutes)],
    [DOCTOR_LABELS.qualifications, doctor.qualifications ?? '—'],
    ['Last changed', formatDateTime(doctor.updatedAt)],
  ];
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="doctor-profile-heading">
      <Title order={2} size="h3" mb="md" id="doctor-profile-heading">
        Profile
      </Title>
      {editing ? (
        <EditDoctorForm record={record} onDone={() => setEditing(false)} />
      ) : (
        <>
          <DetailList rows={rows} />
          {canEdit && !doctor.archived ? (
            <Button mt="md" onClick={() => setEditing(true)}>
              Edit profile
            </Button>
          ) : null}
        </>
      )}
    </Paper>
  );
}
