import {
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { formatDateTime } from '@/lib/format';
import { useAuditEvents, type AuditEvent, type AuditFilters } from '../api/audit';
import { auditFiltersFrom, EMPTY_AUDIT_FORM, type AuditFormValues } from './audit-filters';

function outcomeColor(outcome: string): string {
  if (outcome === 'success' || outcome === 'succeeded') return 'green';
  if (outcome === 'denied' || outcome === 'failure' || outcome === 'failed') return 'red';
  return 'gray';
}

function DetailsModal({ event, onClose }: { event: AuditEvent; onClose: () => void }): ReactNode {
  return (
    <Modal opened onClose={onClose} title={`${event.action} · ${formatDateTime(event.occurredAt)}`} size="lg">
      <Stack gap="xs">
        <Text size="sm">
          Request id <Code>{event.requestId ?? '—'}</Code> from {event.clientAddress ?? 'unknown address'}
        </Text>
        <Text size="sm">
          Record {event.entityType ?? '—'} <Code>{event.entityId ?? '—'}</Code>
        </Text>
        <Code block>{JSON.stringify(event.details, null, 2)}</Code>
      </Stack>
    </Modal>
  );
}

/** The audit trail, newest first, filtered by user, action, patient and time; older pages on request. */
export function AuditLogPage(): ReactNode {
  const [form, setForm] = useState<AuditFormValues>(EMPTY_AUDIT_FORM);
  const [filters, setFilters] = useState<AuditFilters>({});
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [shown, setShown] = useState<AuditEvent | undefined>(undefined);
  const events = useAuditEvents(filters);
  const items = events.data?.pages.flatMap((page) => page.items) ?? [];

  const apply = (event: FormEvent): void => {
    event.preventDefault();
    const result = auditFiltersFrom(form);
    if ('problem' in result) {
      setProblem(result.problem);
      return;
    }
    setProblem(undefined);
    setFilters(result.filters);
  };
  const field = (name: keyof AuditFormValues) => ({
    value: form[name],
    onChange: (event: { currentTarget: { value: string } }) =>
      setForm({ ...form, [name]: event.currentTarget.value }),
  });

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change and every read of a patient record, append-only."
      />
      <Paper
        withBorder
        p="md"
        radius="md"
        mb="md"
        component="form"
        onSubmit={apply}
        noValidate
        aria-label="Filter the audit log"
      >
        <Group align="flex-end" gap="md" wrap="wrap">
          <TextInput label="User" placeholder="username" w={170} {...field('username')} />
          <TextInput label="Action" placeholder="e.g. PATIENT_RECORD_VIEWED" w={250} {...field('action')} />
          <TextInput label="Patient id" w={300} {...field('patientId')} />
          <TextInput label="From" type="datetime-local" {...field('from')} />
          <TextInput label="To" type="datetime-local" {...field('to')} />
          <Group gap="xs">
            <Button type="submit">Filter</Button>
            <Button
              variant="default"
              onClick={() => {
                setForm(EMPTY_AUDIT_FORM);
                setFilters({});
                setProblem(undefined);
              }}
            >
              Clear
            </Button>
          </Group>
        </Group>
        {problem ? (
          <Text c="red.9" size="sm" mt="xs" role="alert">
            {problem}
          </Text>
        ) : null}
      </Paper>
      {events.isPending ? <PageLoader /> : null}
      <ProblemAlert error={events.error} onRetry={() => void events.refetch()} />
      {events.data && items.length === 0 ? <EmptyState>No audit events match.</EmptyState> : null}
      {items.length > 0 ? (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={860}>
            <Table striped verticalSpacing="xs" fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Outcome</Table.Th>
                  <Table.Th>User</Table.Th>
                  <Table.Th>Patient</Table.Th>
                  <Table.Th>Address</Table.Th>
                  <Table.Th>
                    <Text span size="sm" fw={700}>
                      Details
                    </Text>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((event) => (
                  <Table.Tr key={event.id} data-testid="audit-row">
                    <Table.Td>{formatDateTime(event.occurredAt)}</Table.Td>
                    <Table.Td>
                      <Code>{event.action}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Badge size="sm" variant="light" color={outcomeColor(event.outcome)}>
                        {event.outcome}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {event.actorUsername ?? 'system'}
                      {event.actorRole ? (
                        <Text span size="xs" c="dimmed">
                          {' '}
                          ({event.actorRole})
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      {event.patientId ? (
                        <Anchor component={Link} to={`/patients/${event.patientId}`} size="sm">
                          Open record
                        </Anchor>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                    <Table.Td>{event.clientAddress ?? '—'}</Table.Td>
                    <Table.Td>
                      <Button size="compact-xs" variant="subtle" onClick={() => setShown(event)}>
                        Show
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      ) : null}
      {events.hasNextPage ? (
        <Group justify="center" mt="md">
          <Button
            variant="default"
            loading={events.isFetchingNextPage}
            onClick={() => void events.fetchNextPage()}
          >
            Load older events
          </Button>
        </Group>
      ) : null}
      {shown ? <DetailsModal event={shown} onClose={() => setShown(undefined)} /> : null}
    </>
  );
}
