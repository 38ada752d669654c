import { Anchor, Button, Modal, Select, Table, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { FormActions } from '@/components/ui/form-actions';
import { IconPlus } from '@/components/ui/icons';
import {
  ArchivedBadge,
  countOf,
  FilterBar,
  IncludeArchivedSwitch,
  SearchField,
  SearchResults,
} from '@/components/ui/list-page';
import { PageHeader } from '@/components/ui/page-header';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { newIdempotencyKey } from '@/lib/api-client';
import { useCreateForm } from '@/lib/create-form';
import { usePagedSearch } from '@/lib/paged-search';
import { useCan } from '@/lib/session';
import { useAllDepartments } from '../api/departments';
import { useCreateDoctor, useDoctorSearch } from '../api/doctors';
import { DOCTOR_FIELDS, EMPTY_DOCTOR_FORM, newDoctorInput, validateDoctorForm } from './doctor-form';
import { DoctorFormFields, useDepartmentOptions } from './doctor-form-fields';

const PAGE_SIZE = 25;

function NewDoctorModal({ opened, onClose }: { opened: boolean; onClose: () => void }): ReactNode {
  const navigate = useNavigate();
  // One key per form: a double click registers the doctor once.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const create = useCreateDoctor(idempotencyKey);
  const { form, submit, showAlert } = useCreateForm({
    create,
    initialValues: EMPTY_DOCTOR_FORM,
    validate: validateDoctorForm,
    fields: DOCTOR_FIELDS,
    input: newDoctorInput,
    onCreated: (doctor) => void navigate(`/doctors/${doctor.id}`),
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Register a doctor" size="lg">
      <form onSubmit={submit} noValidate aria-label="New doctor">
        {showAlert ? <ProblemAlert error={create.error} title="The doctor was not registered" /> : null}
        <Text size="sm" c="dimmed" mb="sm">
          New doctors work Monday to Friday, 08:00–17:00 until you change their hours.
        </Text>
        <DoctorFormFields form={form} />
        <FormActions submitLabel="Register doctor" loading={create.isPending} onCancel={onClose} />
      </form>
    </Modal>
  );
}

/** Doctors by part of the name or specialization, optionally of one department; pages of 25. */
export function DoctorListPage(): ReactNode {
  const list = usePagedSearch(PAGE_SIZE);
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const canWrite = useCan('doctors:write');
  const departments = useAllDepartments();
  const departmentOptions = useDepartmentOptions();
  const departmentName = new Map((departments.data?.items ?? []).map((item) => [item.id, item.name]));
  const search = useDoctorSearch({ ...list.params, ...(departmentId ? { departmentId } : {}) });
  return (
    <>
      <PageHeader
        title="Doctors"
        description="Find a doctor by name, then open the profile for working hours and leave."
        actions={
          canWrite ? (
            <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
              Register a doctor
            </Button>
          ) : null
        }
      />
      <FilterBar>
        <SearchField
          label="Search doctors"
          placeholder="Part of the name"
          value={list.typed}
          onChange={list.setTyped}
        />
        <Select
          label="Department"
          placeholder="All departments"
          data={departmentOptions}
          value={departmentId}
          onChange={(value) => {
            setDepartmentId(value);
            list.setPage(1);
          }}
          searchable
          clearable
          w={260}
        />
        <IncludeArchivedSwitch checked={list.includeArchived} onChange={list.setIncludeArchived} />
      </FilterBar>
      <SearchResults
        search={search}
        count={(found) => countOf(found.total, 'doctor')}
        empty="No doctor matches."
        head={
          <>
            <Table.Th>Name</Table.Th>
            <Table.Th>Specialization</Table.Th>
            <Table.Th>Department</Table.Th>
            <Table.Th>Phone</Table.Th>
          </>
        }
        row={(doctor) => (
          <Table.Tr key={doctor.id}>
            <Table.Td>
              <Anchor component={Link} to={`/doctors/${doctor.id}`} fw={600}>
                {doctor.name}
              </Anchor>
              {doctor.archived ? <ArchivedBadge /> : null}
            </Table.Td>
            <Table.Td>{doctor.specialization}</Table.Td>
            <Table.Td>
              {doctor.departmentId ? (
                <Anchor component={Link} to={`/departments/${doctor.departmentId}`}>
                  {departmentName.get(doctor.departmentId) ?? 'Department'}
                </Anchor>
              ) : (
                '—'
              )}
            </Table.Td>
            <Table.Td>{doctor.phone ?? '—'}</Table.Td>
          </Table.Tr>
        )}
        page={list.page}
        pageSize={PAGE_SIZE}
        onPage={list.setPage}
      />
      {creating ? <NewDoctorModal opened onClose={() => setCreating(false)} /> : null}
    </>
  );
}
