import {
  Anchor,
  Badge,
  Button,
  Group,
  Pagination,
  Paper,
  Switch,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '@/components/ui/empty-state';
import { IconSearch } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { SortableHeader, type SortOrder } from '@/components/ui/sortable-header';
import { useAddressQuery } from '@/lib/address-query';
import { ageInYears, formatDate, humanise, localToday } from '@/lib/format';
import { useCan } from '@/lib/session';
import { usePatientSearch, type PatientSearchParams } from '../api/patients';
import { listStateFromSearch, searchFromListState, type PatientListState } from './patient-list-state';

const PAGE_SIZE = 25;

/** Search-as-you-type over name, MRN and phone; sortable columns; pages of 25; state kept in the URL. */
export function PatientListPage(): ReactNode {
  const [searchParams, changeSearch] = useAddressQuery();
  const state = listStateFromSearch(searchParams);
  const [typed, setTyped] = useState(state.q);
  const [debounced] = useDebouncedValue(typed, 300);
  const canRegister = useCan('patients:write');
  const today = localToday();

  const update = (next: Partial<PatientListState>): void =>
    changeSearch((latest) => searchFromListState({ ...listStateFromSearch(latest), ...next }));

  useEffect(() => {
    if (debounced.trim() !== state.q) update({ q: debounced.trim(), page: 1 });
    // Only the debounced text starts a search; the rest of the state is read fresh by update().
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);

  const params: PatientSearchParams = {
    ...(state.q ? { q: state.q } : {}),
    ...(state.sort ? { sort: state.sort, order: state.order } : {}),
    ...(state.includeArchived ? { includeArchived: true } : {}),
    limit: PAGE_SIZE,
    offset: (state.page - 1) * PAGE_SIZE,
  };
  const search = usePatientSearch(params);
  const pages = search.data ? Math.max(1, Math.ceil(search.data.total / PAGE_SIZE)) : 1;
  const onSort = (sort: NonNullable<PatientListState['sort']>, order: SortOrder): void =>
    update({ sort, order, page: 1 });

  return (
    <>
      <PageHeader
        title="Patients"
        description="Find a patient by part of the name, the exact MRN or the phone number."
        actions={
          canRegister ? (
            <Button component={Link} to="/patients/new">
              Register a patient
            </Button>
          ) : null
        }
      />
      <Paper withBorder p="md" radius="md" mb="md">
        <Group align="flex-end" gap="md" wrap="wrap">
          <TextInput
            label="Search patients"
            placeholder="Name, MRN or phone"
            leftSection={<IconSearch size={16} aria-hidden />}
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            type="search"
            autoFocus
            maw={420}
            style={{ flexGrow: 1 }}
          />
          <Switch
            label="Include archived records"
            checked={state.includeArchived}
            onChange={(event) => update({ includeArchived: event.currentTarget.checked, page: 1 })}
          />
        </Group>
      </Paper>
      <ProblemAlert error={search.error} onRetry={() => void search.refetch()} />
      <Text size="sm" c="dimmed" mb="xs" role="status" aria-live="polite">
        {search.data
          ? `${search.data.total.toLocaleString('en-GB')}${search.data.totalIsLowerBound ? '+' : ''} patient${search.data.total === 1 ? '' : 's'}${state.q ? ` matching “${state.q}”` : ''}${search.data.totalIsLowerBound && state.q ? `: ${search.data.total.toLocaleString('en-GB')} of them are listed, add to the search to narrow it` : ''}`
          : search.isPending
            ? 'Searching…'
            : ''}
      </Text>
      {search.data && search.data.items.length === 0 ? (
        <EmptyState>
          No patient matches. Check the spelling, or search by MRN or phone.
          {canRegister ? (
            <>
              {' '}
              <Anchor component={Link} to="/patients/new">
                Register a new patient
              </Anchor>
              .
            </>
          ) : null}
        </EmptyState>
      ) : null}
      {search.data && search.data.items.length > 0 ? (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover verticalSpacing="sm" aria-busy={search.isFetching}>
              <Table.Thead>
                <Table.Tr>
                  <SortableHeader
                    field="name"
                    label="Name"
                    sort={state.sort}
                    order={state.order}
                    onSort={onSort}
                  />
                  <SortableHeader
                    field="mrn"
                    label="MRN"
                    sort={state.sort}
                    order={state.order}
                    onSort={onSort}
                  />
                  <SortableHeader
                    field="dateOfBirth"
                    label="Date of birth"
                    sort={state.sort}
                    order={state.order}
                    onSort={onSort}
                  />
                  <Table.Th>Sex</Table.Th>
                  <Table.Th>Phone</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {search.data.items.map((patient) => (
                  <Table.Tr key={patient.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/patients/${patient.id}`} fw={600}>
                        {patient.name}
                      </Anchor>
                      {patient.archived ? (
                        <Badge ml="xs" size="sm" color="gray" variant="light">
                          Archived
                        </Badge>
                      ) : null}
                    </Table.Td>
                    <Table.Td>{patient.mrn}</Table.Td>
                    <Table.Td>
                      {formatDate(patient.dateOfBirth)}
                      <Text span size="sm" c="dimmed">
                        {' '}
                        ({ageInYears(patient.dateOfBirth, today) ?? '?'} y)
                      </Text>
                    </Table.Td>
                    <Table.Td>{humanise(patient.sex)}</Table.Td>
                    <Table.Td>{patient.phone ?? '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      ) : null}
      {pages > 1 ? (
        <Group justify="center" mt="md">
          <Pagination
            total={pages}
            value={state.page}
            onChange={(page) => update({ page })}
            getControlProps={(control) => ({ 'aria-label': `${control} page` })}
            getItemProps={(page) => ({ 'aria-label': `Page ${page}` })}
          />
        </Group>
      ) : null}
    </>
  );
}
