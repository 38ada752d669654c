import { Anchor, Button, Modal, Table } from '@mantine/core';
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
import { useCreateDepartment, useDepartmentSearch } from '../api/departments';
import {
  DEPARTMENT_FIELDS,
  detailsOf,
  EMPTY_DEPARTMENT_FORM,
  validateDepartmentForm,
} from './department-form';
import { DepartmentFormFields } from './department-form-fields';

const PAGE_SIZE = 25;

function NewDepartmentModal({ onClose }: { onClose: () => void }): ReactNode {
  const navigate = useNavigate();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const create = useCreateDepartment(idempotencyKey);
  const { form, submit, showAlert } = useCreateForm({
    create,
    initialValues: EMPTY_DEPARTMENT_FORM,
    validate: validateDepartmentForm,
    fields: DEPARTMENT_FIELDS,
    input: (values) => ({ ...detailsOf(values), headDoctorId: null }),
    onCreated: (department) => void navigate(`/departments/${department.id}`),
  });
  return (
    <Modal opened onClose={onClose} title="Create a department" size="lg">
      <form onSubmit={submit} noValidate aria-label="New department">
        {showAlert ? <ProblemAlert error={create.error} title="The department was not created" /> : null}
        <DepartmentFormFields form={form} />
        <FormActions submitLabel="Create department" loading={create.isPending} onCancel={onClose} />
      </form>
    </Modal>
  );
}

/** Departments by part of the name or the exact code; pages of 25. */
export function DepartmentListPage(): ReactNode {
  const list = usePagedSearch(PAGE_SIZE);
  const [creating, setCreating] = useState(false);
  const canWrite = useCan('departments:write');
  const search = useDepartmentSearch(list.params);
  return (
    <>
      <PageHeader
        title="Departments"
        description="Where each department is, how to reach it, and who works there."
        actions={
          canWrite ? (
            <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
              Create a department
            </Button>
          ) : null
        }
      />
      <FilterBar>
        <SearchField
          label="Search departments"
          placeholder="Part of the name, or the code"
          value={list.typed}
          onChange={list.setTyped}
        />
        <IncludeArchivedSwitch checked={list.includeArchived} onChange={list.setIncludeArchived} />
      </FilterBar>
      <SearchResults
        search={search}
        count={(found) => countOf(found.total, 'department')}
        empty="No department matches."
        head={
          <>
            <Table.Th>Name</Table.Th>
            <Table.Th>Code</Table.Th>
            <Table.Th>Location</Table.Th>
            <Table.Th>Phone</Table.Th>
            <Table.Th>Opening hours</Table.Th>
          </>
        }
        row={(department) => (
          <Table.Tr key={department.id}>
            <Table.Td>
              <Anchor component={Link} to={`/departments/${department.id}`} fw={600}>
                {department.name}
              </Anchor>
              {department.archived ? <ArchivedBadge /> : null}
            </Table.Td>
            <Table.Td>{department.code}</Table.Td>
            <Table.Td>
              {[department.location, department.floor ? `floor ${department.floor}` : null]
                .filter(Boolean)
                .join(', ') || '—'}
            </Table.Td>
            <Table.Td>{department.phone ?? '—'}</Table.Td>
            <Table.Td>{department.operatingHours ?? '—'}</Table.Td>
          </Table.Tr>
        )}
        page={list.page}
        pageSize={PAGE_SIZE}
        onPage={list.setPage}
      />
      {creating ? <NewDepartmentModal onClose={() => setCreating(false)} /> : null}
    </>
  );
}
