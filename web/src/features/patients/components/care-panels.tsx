import { Anchor, Badge, Button, Group, Paper, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '@/components/ui/empty-state';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import type { ApiError } from '@/lib/api-client';
import { formatCents, formatDate, formatDateTime, formatTime, humanise, localToday } from '@/lib/format';
import { useCan } from '@/lib/session';
import { usePatientAdmissions, usePatientAppointments, usePatientInvoices } from '../api/care';
import { BreakGlassPanel, isNotInCare } from './break-glass-panel';
import { StatementButton } from './statement-dialog';

const STATUS_COLORS: Readonly<Record<string, string>> = {
  scheduled: 'blue',
  checked_in: 'teal',
  completed: 'green',
  cancelled: 'gray',
  no_show: 'orange',
  admitted: 'red',
  transferred: 'orange',
  discharged: 'gray',
  draft: 'gray',
  issued: 'blue',
  partially_paid: 'yellow',
  paid: 'green',
  void: 'gray',
};

function StatusBadge({ status }: { status: string }): ReactNode {
  return (
    <Badge size="sm" variant="light" color={STATUS_COLORS[status] ?? 'gray'}>
      {humanise(status)}
    </Badge>
  );
}

/** The loading, refusal and empty states every list of the patient page shares. */
function ListFrame({
  patientId,
  query,
  empty,
  minWidth,
  head,
  children,
}: {
  patientId: string;
  query: {
    isPending: boolean;
    error: ApiError | null;
    refetch: () => unknown;
    data?: { items: unknown[] } | undefined;
  };
  empty: string;
  minWidth: number;
  head: ReactNode;
  children: ReactNode;
}): ReactNode {
  if (isNotInCare(query.error)) return <BreakGlassPanel patientId={patientId} problem={query.error} />;
  if (query.isPending) return <PageLoader />;
  if (query.error) return <ProblemAlert error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data || query.data.items.length === 0) return <EmptyState>{empty}</EmptyState>;
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={minWidth}>
        <Table striped verticalSpacing="sm">
          <Table.Thead>{head}</Table.Thead>
          <Table.Tbody>{children}</Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

/** The appointment in its doctor's day of the calendar (Appointments), with its details open. */
function calendarLink(appointment: { id: string; doctorId: string; start: string }): string {
  const search = new URLSearchParams({
    doctor: appointment.doctorId,
    view: 'day',
    date: localToday(new Date(appointment.start)),
    appointment: appointment.id,
  });
  return `/appointments?${search.toString()}`;
}

export function AppointmentsPanel({ patientId }: { patientId: string }): ReactNode {
  const appointments = usePatientAppointments(patientId);
  return (
    <ListFrame
      patientId={patientId}
      query={appointments}
      empty="No appointments."
      minWidth={600}
      head={
        <Table.Tr>
          <Table.Th>When</Table.Th>
          <Table.Th>Doctor</Table.Th>
          <Table.Th>Reason</Table.Th>
          <Table.Th>Status</Table.Th>
        </Table.Tr>
      }
    >
      {appointments.data?.items.map((appointment) => (
        <Table.Tr key={appointment.id}>
          <Table.Td>
            <Anchor component={Link} to={calendarLink(appointment)}>
              {formatDateTime(appointment.start)}–{formatTime(appointment.end)}
            </Anchor>
          </Table.Td>
          <Table.Td>{appointment.doctorName}</Table.Td>
          <Table.Td>{appointment.reason ?? '—'}</Table.Td>
          <Table.Td>
            <StatusBadge status={appointment.status} />
          </Table.Td>
        </Table.Tr>
      ))}
    </ListFrame>
  );
}

export function AdmissionsPanel({ patientId }: { patientId: string }): ReactNode {
  const admissions = usePatientAdmissions(patientId);
  return (
    <ListFrame
      patientId={patientId}
      query={admissions}
      empty="No admissions."
      minWidth={700}
      head={
        <Table.Tr>
          <Table.Th>Arrived</Table.Th>
          <Table.Th>Priority</Table.Th>
          <Table.Th>Complaint</Table.Th>
          <Table.Th>Where</Table.Th>
          <Table.Th>Status</Table.Th>
        </Table.Tr>
      }
    >
      {admissions.data?.items.map((admission) => (
        <Table.Tr key={admission.id}>
          <Table.Td>{formatDateTime(admission.arrivedAt)}</Table.Td>
          <Table.Td>ESI {admission.triagePriority}</Table.Td>
          <Table.Td>{admission.chiefComplaint}</Table.Td>
          <Table.Td>
            {[admission.department?.name, admission.ward, admission.bed && `bed ${admission.bed}`]
              .filter(Boolean)
              .join(' · ') || '—'}
          </Table.Td>
          <Table.Td>
            <StatusBadge status={admission.status} />
            {admission.dischargedAt ? (
              <Text size="xs" c="dimmed">
                {formatDateTime(admission.dischargedAt)}
              </Text>
            ) : null}
          </Table.Td>
        </Table.Tr>
      ))}
    </ListFrame>
  );
}

export function InvoicesPanel({ patientId }: { patientId: string }): ReactNode {
  const invoices = usePatientInvoices(patientId);
  const canBill = useCan('billing:write');
  return (
    <>
      <Group justify="flex-end" mb="sm">
        <StatementButton patientId={patientId} />
        {canBill ? (
          <Button component={Link} to={`/finance/invoices/new?patientId=${patientId}`}>
            New invoice
          </Button>
        ) : null}
      </Group>
      <ListFrame
        patientId={patientId}
        query={invoices}
        empty="No invoices."
        minWidth={640}
        head={
          <Table.Tr>
            <Table.Th>Number</Table.Th>
            <Table.Th>Issued</Table.Th>
            <Table.Th ta="right">Total</Table.Th>
            <Table.Th ta="right">Outstanding</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        }
      >
        {invoices.data?.items.map((invoice) => (
          <Table.Tr key={invoice.id}>
            <Table.Td>
              <Anchor component={Link} to={`/finance/invoices/${invoice.id}`}>
                {invoice.number ?? 'Draft'}
              </Anchor>
            </Table.Td>
            <Table.Td>{formatDate(invoice.issueDate)}</Table.Td>
            <Table.Td ta="right">{formatCents(invoice.totalCents)}</Table.Td>
            <Table.Td ta="right">{formatCents(invoice.outstandingCents)}</Table.Td>
            <Table.Td>
              <StatusBadge status={invoice.status} />
            </Table.Td>
          </Table.Tr>
        ))}
      </ListFrame>
    </>
  );
}
