import { Alert, Anchor, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { formatCents, formatDate, formatDateTime } from '@/lib/format';
import { useCan } from '@/lib/session';
import { useInvoice, usePatientLabel, type Invoice } from '../api/invoices';
import classes from './finance.module.css';
import { EditInvoiceDraftForm } from './edit-invoice-draft-form';
import { IssueButton, PaymentModal, ReissueButton, VoidInvoiceModal } from './invoice-actions';
import { invoiceActions, invoiceCorrections } from './invoice-filters';
import { InsuranceSection } from './insurance-section';
import { PaymentsSection } from './payments-section';
import { StatusBadge } from './status-badge';

function ItemsTable({ invoice }: { invoice: Invoice }): ReactNode {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="items-title">
      <Title order={2} size="h4" mb="sm" id="items-title">
        Services
      </Title>
      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Code</Table.Th>
              <Table.Th>Description</Table.Th>
              <Table.Th ta="right">Quantity</Table.Th>
              <Table.Th ta="right">Unit price</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {invoice.items.map((item) => (
              <Table.Tr key={item.id}>
                <Table.Td>{item.serviceCode ?? '—'}</Table.Td>
                <Table.Td>{item.description}</Table.Td>
                <Table.Td ta="right">{item.quantity}</Table.Td>
                <Table.Td ta="right">{formatCents(item.unitPriceCents)}</Table.Td>
                <Table.Td ta="right">{formatCents(item.lineTotalCents)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <dl className={classes.totals} data-testid="invoice-totals">
        <dt>Subtotal</dt>
        <dd>{formatCents(invoice.subtotalCents)}</dd>
        <dt>
          Discount
          {invoice.discountBasisPoints !== null ? ` (${invoice.discountBasisPoints / 100} %)` : ''}
        </dt>
        <dd>{formatCents(invoice.discountCents)}</dd>
        <dt>Tax ({invoice.taxRateBasisPoints / 100} %)</dt>
        <dd>{formatCents(invoice.taxCents)}</dd>
        <dt className={classes.grandTotal}>Total</dt>
        <dd className={classes.grandTotal}>{formatCents(invoice.totalCents)}</dd>
        <dt>Paid</dt>
        <dd>{formatCents(invoice.paidCents)}</dd>
        <dt className={classes.grandTotal}>Outstanding</dt>
        <dd className={classes.grandTotal} data-testid="outstanding">
          {formatCents(invoice.outstandingCents)}
        </dd>
      </dl>
      {invoice.notes ? (
        <Text size="sm" mt="sm">
          Notes: {invoice.notes}
        </Text>
      ) : null}
    </Paper>
  );
}

/** One invoice: its lines and money, what can be done with it now, its payments and its claims. */
export function InvoicePage(): ReactNode {
  const { invoiceId = '' } = useParams();
  const record = useInvoice(invoiceId);
  const patient = usePatientLabel(record.data?.invoice.patientId ?? '');
  const canWrite = useCan('billing:write');
  const canSeeClaims = useCan('claims:read');
  const [dialog, setDialog] = useState<'void' | 'pay' | undefined>(undefined);
  const [editing, setEditing] = useState(false);

  if (record.isPending) return <PageLoader label="Loading the invoice" />;
  if (record.isError) {
    return (
      <ProblemAlert
        error={record.error}
        title="The invoice could not be opened"
        onRetry={() => void record.refetch()}
      />
    );
  }
  const { invoice, etag } = record.data;
  const actions = invoiceActions(invoice);
  const corrections = invoiceCorrections(invoice);
  const isEditing = editing && corrections.edit && canWrite;
  const title = invoice.number ? `Invoice ${invoice.number}` : 'Draft invoice';
  return (
    <>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            {title}
            <StatusBadge status={invoice.status} />
          </Group>
        }
        documentTitle={title}
        description={
          <>
            {patient.data ? (
              <Anchor component={Link} to={`/patients/${invoice.patientId}/invoices`}>
                {patient.data.name} · MRN {patient.data.mrn}
              </Anchor>
            ) : (
              'Patient'
            )}
            {' · '}
            {invoice.issueDate
              ? `issued ${formatDate(invoice.issueDate)}`
              : `drafted ${formatDateTime(invoice.createdAt)}`}
          </>
        }
        actions={
          canWrite && !isEditing ? (
            <>
              {corrections.edit ? (
                <Button variant="default" onClick={() => setEditing(true)}>
                  Edit draft
                </Button>
              ) : null}
              {actions.issue ? <IssueButton invoice={invoice} etag={etag} /> : null}
              {actions.pay ? <Button onClick={() => setDialog('pay')}>Record payment</Button> : null}
              {actions.void ? (
                <Button variant="default" color="red" onClick={() => setDialog('void')}>
                  Void
                </Button>
              ) : null}
              {corrections.reissue ? <ReissueButton invoice={invoice} /> : null}
            </>
          ) : null
        }
      />
      {invoice.status === 'void' ? (
        <Alert color="gray" variant="light" mb="md" title="This invoice is void">
          Voided {formatDateTime(invoice.voidedAt)}: {invoice.voidReason}
          {invoice.replacedByInvoiceId ? (
            <>
              {' '}
              <Anchor component={Link} to={`/finance/invoices/${invoice.replacedByInvoiceId}`}>
                Open the corrected copy
              </Anchor>
            </>
          ) : null}
        </Alert>
      ) : null}
      {invoice.replacesInvoiceId ? (
        <Text size="sm" mb="md">
          Corrects{' '}
          <Anchor component={Link} to={`/finance/invoices/${invoice.replacesInvoiceId}`}>
            the void invoice it replaces
          </Anchor>
          .
        </Text>
      ) : null}
      <Stack gap="md">
        {isEditing ? (
          <EditInvoiceDraftForm record={record.data} onDone={() => setEditing(false)} />
        ) : (
          <ItemsTable invoice={invoice} />
        )}
        <div className={classes.panels}>
          {invoice.status !== 'draft' ? <PaymentsSection invoiceId={invoice.id} /> : null}
          {canSeeClaims && invoice.status !== 'draft' ? <InsuranceSection invoice={invoice} /> : null}
        </div>
        <Group>
          <Anchor component={Link} to="/finance/invoices" size="sm">
            Back to the invoices
          </Anchor>
        </Group>
      </Stack>
      {dialog === 'void' ? (
        <VoidInvoiceModal invoice={invoice} etag={etag} onClose={() => setDialog(undefined)} />
      ) : null}
      {dialog === 'pay' ? <PaymentModal invoice={invoice} onClose={() => setDialog(undefined)} /> : null}
    </>
  );
}
