import { Anchor, Button, Paper, Stack, Table, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { DetailList } from '@/components/ui/detail-list';
import { EmptyState } from '@/components/ui/empty-state';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { RecordHeader } from '@/components/ui/record-header';
import { VersionedEditForm } from '@/components/ui/versioned-edit-form';
import { conflictRows } from '@/lib/edit-conflict';
import { formatDateTime } from '@/lib/format';
import { useVersionedEdit } from '@/lib/versioned-edit';
import { useCan } from '@/lib/session';
import {
  departmentQueryOptions,
  useDepartment,
  useUpdateDepartment,
  type VersionedDepartment,
} from '../api/departments';
import { useDoctorSearch, type Doctor } from '../api/doctors';
import {
  DEPARTMENT_FIELDS,
  DEPARTMENT_LABELS,
  departmentChanges,
  departmentFormValues,
  validateDepartmentForm,
} from './department-form';
import { DepartmentFormFields } from './department-form-fields';
import { DepartmentStaffPanel } from './department-staff-panel';
import classes from './staff.module.css';

function EditDepartmentForm({
  record,
  doctors,
  onDone,
}: {
  record: VersionedDepartment;
  doctors: readonly Doctor[];
  onDone: () => void;
}): ReactNode {
  const departmentId = record.department.id;
  const doctorName = (id: string): string =>
    id ? (doctors.find((doctor) => doctor.id === id)?.name ?? id) : '—';
  const edit = useVersionedEdit({
    record,
    recordQuery: departmentQueryOptions(departmentId),
    update: useUpdateDepartment(departmentId),
    formValues: (version) => departmentFormValues(version.department),
    validate: validateDepartmentForm,
    changes: (base, values) => departmentChanges(base.department, values),
    conflictRows: (base, current, values) =>
      conflictRows(
        DEPARTMENT_FIELDS,
        DEPARTMENT_LABELS,
        departmentFormValues(base.department),
        departmentFormValues(current.department),
        values,
      ).map((row) =>
        row.field === 'headDoctorId'
          ? {
              ...row,
              current: doctorName(current.department.headDoctorId ?? ''),
              mine: doctorName(values.headDoctorId),
            }
          : row,
      ),
    savedAt: (version) => version.department.updatedAt,
    fields: DEPARTMENT_FIELDS,
    savedMessage: 'The department is up to date.',
    onDone,
  });
  return (
    <VersionedEditForm edit={edit} label="Edit department" saveLabel="Save department" onCancel={onDone}>
      <DepartmentFormFields
        form={edit.form}
        headDoctorOptions={doctors.map((doctor) => ({ value: doctor.id, label: doctor.name }))}
      />
    </VersionedEditForm>
  );
}

function DoctorsPanel({ doctors, total }: { doctors: readonly Doctor[]; total: number }): ReactNode {
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="department-doctors-heading">
      <Title order={2} size="h3" mb="md" id="department-doctors-heading">
        Doctors ({total})
      </Title>
      {doctors.length === 0 ? (
        <EmptyState>No doctor has this as their department.</EmptyState>
      ) : (
        <Table verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Specialization</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {doctors.map((doctor) => (
              <Table.Tr key={doctor.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/doctors/${doctor.id}`}>
                    {doctor.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>{doctor.specialization}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

/** One department: where it is, who heads it, its doctors and its staff. */
export function DepartmentPage(): ReactNode {
  const { departmentId = '' } = useParams();
  const record = useDepartment(departmentId);
  const doctors = useDoctorSearch({ departmentId, limit: 200, offset: 0 });
  const canEdit = useCan('departments:write');
  const [editing, setEditing] = useState(false);
  useDocumentTitle(record.data ? `${record.data.department.name} · MediSys` : 'Department · MediSys');

  if (record.isPending) return <PageLoader label="Loading the department" />;
  if (record.isError) {
    return (
      <ProblemAlert
        error={record.error}
        title="The department could not be opened"
        onRetry={() => void record.refetch()}
      />
    );
  }
  const { department } = record.data;
  const doctorList = doctors.data?.items ?? [];
  const head = doctorList.find((doctor) => doctor.id === department.headDoctorId);
  const rows: [string, ReactNode][] = [
    [DEPARTMENT_LABELS.code, department.code],
    [
      DEPARTMENT_LABELS.headDoctorId,
      department.headDoctorId ? (
        <Anchor component={Link} to={`/doctors/${department.headDoctorId}`}>
          {head?.name ?? 'Head of department'}
        </Anchor>
      ) : (
        '—'
      ),
    ],
    [DEPARTMENT_LABELS.location, department.location ?? '—'],
    [DEPARTMENT_LABELS.floor, department.floor ?? '—'],
    [DEPARTMENT_LABELS.phone, department.phone ?? '—'],
    [DEPARTMENT_LABELS.email, department.email ?? '—'],
    [DEPARTMENT_LABELS.operatingHours, department.operatingHours ?? '—'],
    ['Last changed', formatDateTime(department.updatedAt)],
  ];
  return (
    <>
      <RecordHeader
        listLabel="Departments"
        listPath="/departments"
        name={department.name}
        archived={department.archived}
      />
      <Stack gap="md">
        <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="department-details-heading">
          <Title order={2} size="h3" mb="md" id="department-details-heading">
            Details
          </Title>
          {editing ? (
            <EditDepartmentForm record={record.data} doctors={doctorList} onDone={() => setEditing(false)} />
          ) : (
            <>
              <DetailList rows={rows} />
              {canEdit && !department.archived ? (
                <Button mt="md" onClick={() => setEditing(true)}>
                  Edit department
                </Button>
              ) : null}
            </>
          )}
        </Paper>
        <div className={classes.columns}>
          <DoctorsPanel doctors={doctorList} total={doctors.data?.total ?? 0} />
          <DepartmentStaffPanel departmentId={department.id} archived={department.archived} />
        </div>
      </Stack>
    </>
  );
}
