import { Anchor, Button, Group, Pagination, Paper, Select, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { useAddressQuery } from '@/lib/address-query';
import { formatCents, formatDate, humanise } from '@/lib/format';
import { useCan } from '@/lib/session';
import { INVOICE_STATUSES, INVOICES_PAGE_SIZE, useInvoices } from '../api/invoices';
import { invoiceFiltersFrom, invoiceSearchWith } from './invoice-filters';
import { PatientPicker } from './patient-picker';
import { StatusBadge } from './status-badge';

/** The invoices, newest first, filtered by status and patient; the filters live in the address. */
export function InvoicesPage(): ReactNode {
  const [searchParams, changeSearch] = useAddressQuery();
  const filters = invoiceFiltersFrom(searchParams, INVOICES_PAGE_SIZE);
  const invoices = useInvoices(filters);
  const canWrite = useCan('billing:write');
  const page = Math.floor(filters.offset / INVOICES_PAGE_SIZE) + 1;
  const pages = invoices.data ? Math.max(1, Math.ceil(invoices.data.total / INVOICES_PAGE_SIZE)) : 1;
  const update = (changes: Parameters<typeof invoiceSearchWith>[1]): void =>
    changeSearch((latest) => invoiceSearchWith(latest, changes));
  const filteredPatient = filters.patientId
    ? invoices.data?.items.find((invoice) => invoice.patientId === filters.patientId)
    : undefined;

  return (
    <>
      <PageHeader
        title="Invoices"
        description="Bills by status and patient, newest first. Amounts are in the hospital's currency."
        actions={
          canWrite ? (
            <Button
              component={Link}
              to={`/finance/invoices/new${filters.patientId ? `?patientId=${filters.patientId}` : ''}`}
            >
              New invoice
            </Button>
          ) : null
        }
      />
      <Paper withBorder p="md" radius="md" mb="md" component="section" aria-label="Filter the invoices">
        <Group align="flex-end" gap="md" wrap="wrap">
          <Select
            label="Status"
            w={200}
            data={[
              { value: '', label: 'Any status' },
              ...INVOICE_STATUSES.map((status) => ({ value: status, label: humanise(status) })),
            ]}
            value={filters.status ?? ''}
            allowDeselect={false}
            onChange={(status) => update({ status })}
          />
          <PatientPicker
            label="Patient"
            w={360}
            value={filters.patientId ?? ''}
            selected={
              filteredPatient
                ? {
                    id: filteredPatient.patientId,
                    name: filteredPatient.patientName,
                    mrn: filteredPatient.patientMrn,
                  }
                : undefined
            }
            onChange={(patientId) => update({ patientId })}
          />
        </Group>
      </Paper>
      <ProblemAlert error={invoices.error} onRetry={() => void invoices.refetch()} />
      {invoices.isPending ? <PageLoader label="Loading invoices" /> : null}
      <Text size="sm" c="dimmed" mb="xs" role="status" aria-live="polite">
        {invoices.data
          ? `${invoices.data.total.toLocaleString('en-GB')} invoice${invoices.data.total === 1 ? '' : 's'}`
          : ''}
      </Text>
      {invoices.data && invoices.data.items.length === 0 ? (
        <EmptyState>No invoice matches these filters.</EmptyState>
      ) : null}
      {invoices.data && invoices.data.items.length > 0 ? (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={820}>
            <Table striped highlightOnHover verticalSpacing="sm" aria-busy={invoices.isFetching}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Invoice</Table.Th>
                  <Table.Th>Patient</Table.Th>
                  <Table.Th>Issued</Table.Th>
                  <Table.Th ta="right">Total</Table.Th>
                  <Table.Th ta="right">Paid</Table.Th>
                  <Table.Th ta="right">Outstanding</Table.Th>
                  <Table.Th>Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {invoices.data.items.map((invoice) => (
                  <Table.Tr key={invoice.id} data-testid="invoice-row">
                    <Table.Td>
                      <Anchor component={Link} to={`/finance/invoices/${invoice.id}`} fw={600}>
                        {invoice.number ?? `Draft of ${formatDate(invoice.createdAt)}`}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      {invoice.patientName}
                      <Text span size="sm" c="dimmed">
                        {' '}
                        · {invoice.patientMrn}
                      </Text>
                    </Table.Td>
                    <Table.Td>{formatDate(invoice.issueDate)}</Table.Td>
                    <Table.Td ta="right">{formatCents(invoice.totalCents)}</Table.Td>
                    <Table.Td ta="right">{formatCents(invoice.paidCents)}</Table.Td>
                    <Table.Td ta="right">{formatCents(invoice.outstandingCents)}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={invoice.status} />
                    </Table.Td>
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
            value={page}
            onChange={(next) => update({ page: next })}
            getControlProps={(control) => ({ 'aria-label': `${control} page` })}
            getItemProps={(item) => ({ 'aria-label': `Page ${item}` })}
          />
        </Group>
      ) : null}
    </>
  );
}
