import { Button, Group, Modal, Paper, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent, type ReactNode } from 'react';
import { IconDownload } from '@/components/ui/icons';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { newIdempotencyKey } from '@/lib/api-client';
import { formatCents, formatDate, formatDateTime, humanise } from '@/lib/format';
import { saveFile } from '@/lib/save-file';
import { useCan } from '@/lib/session';
import {
  downloadReceiptPdf,
  useInvoicePayments,
  useReceipt,
  useRefundPayment,
  type Payment,
} from '../api/payments';
import classes from './finance.module.css';
import { parseCents } from './invoice-form';

/** Saves the receipt PDF; the download goes with the session cookie. */
function ReceiptPdfButton({ paymentId }: { paymentId: string }): ReactNode {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  return (
    <>
      <Button
        variant="default"
        leftSection={<IconDownload size={16} aria-hidden />}
        loading={busy}
        onClick={() => {
          setBusy(true);
          setError(undefined);
          downloadReceiptPdf(paymentId)
            .then(saveFile, setError)
            .finally(() => setBusy(false));
        }}
      >
        Download PDF
      </Button>
      <ProblemAlert error={error} title="The receipt could not be downloaded" />
    </>
  );
}

function ReceiptModal({ paymentId, onClose }: { paymentId: string; onClose: () => void }): ReactNode {
  const receipt = useReceipt(paymentId);
  return (
    <Modal opened onClose={onClose} title="Receipt" size="lg">
      {receipt.isPending ? <PageLoader label="Loading the receipt" /> : null}
      <ProblemAlert error={receipt.error} onRetry={() => void receipt.refetch()} />
      {receipt.data ? (
        <Stack gap="md" data-testid="receipt">
          <Title order={2} size="h4">
            Receipt {receipt.data.receiptNumber}
          </Title>
          <dl className={classes.details}>
            <div>
              <dt>Patient</dt>
              <dd>
                {receipt.data.patient.name} · MRN {receipt.data.patient.mrn}
              </dd>
            </div>
            <div>
              <dt>Invoice</dt>
              <dd>
                {receipt.data.invoice.number ?? '—'} of {formatDate(receipt.data.invoice.issueDate)}
              </dd>
            </div>
            <div>
              <dt>Received</dt>
              <dd>
                {formatDateTime(receipt.data.payment.receivedAt)}
                {receipt.data.payment.receivedBy ? ` by ${receipt.data.payment.receivedBy}` : ''}
              </dd>
            </div>
            <div>
              <dt>Amount</dt>
              <dd>
                {formatCents(receipt.data.payment.amountCents)} ({humanise(receipt.data.payment.method)})
              </dd>
            </div>
            <div>
              <dt>Refunded</dt>
              <dd>{formatCents(receipt.data.payment.refundedCents)}</dd>
            </div>
            <div>
              <dt>Invoice now</dt>
              <dd>
                {formatCents(receipt.data.invoice.outstandingCents)} outstanding of{' '}
                {formatCents(receipt.data.invoice.totalCents)}
              </dd>
            </div>
          </dl>
          <Group justify="flex-end">
            <ReceiptPdfButton paymentId={paymentId} />
          </Group>
        </Stack>
      ) : null}
    </Modal>
  );
}

/** Gives back part or all of a payment, with the reason; the amount defaults to all that is refundable. */
function RefundModal({ payment, onClose }: { payment: Payment; onClose: () => void }): ReactNode {
  const [idempotencyKey] = useState(newIdempotencyKey);
  const refund = useRefundPayment(payment.id, idempotencyKey);
  const [amount, setAmount] = useState(formatCents(payment.refundableCents).replace(/,/g, ''));
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ amount?: string; reason?: string }>({});
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const amountCents = parseCents(amount);
    const next: { amount?: string; reason?: string } = {};
    if (amountCents === undefined || amountCents === 0) next.amount = 'An amount such as 45.00.';
    else if (amountCents > payment.refundableCents) {
      next.amount = `At most the ${formatCents(payment.refundableCents)} not yet refunded.`;
    }
    if (!reason.trim()) next.reason = 'Say why the money is refunded.';
    setErrors(next);
    if (amountCents === undefined || Object.keys(next).length > 0) return;
    refund.mutate(
      { amountCents, reason: reason.trim() },
      {
        onSuccess: (done) => {
          notifications.show({
            color: 'green',
            message: `${formatCents(done.amountCents)} refunded on receipt ${payment.receiptNumber}.`,
          });
          onClose();
        },
      },
    );
  };
  return (
    <Modal opened onClose={onClose} title={`Refund on receipt ${payment.receiptNumber}`}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm">
            Paid {formatCents(payment.amountCents)} ({humanise(payment.method)}); refundable{' '}
            {formatCents(payment.refundableCents)}.
          </Text>
          <ProblemAlert error={refund.error} title="The refund was not recorded" />
          <TextInput
            label="Amount to refund"
            required
            inputMode="decimal"
            value={amount}
            error={errors.amount}
            onChange={(event) => setAmount(event.currentTarget.value)}
            data-autofocus
          />
          <Textarea
            label="Reason"
            required
            autosize
            minRows={2}
            maxLength={1000}
            value={reason}
            error={errors.reason}
            onChange={(event) => setReason(event.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={refund.isPending}>
              Refund
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The payments taken on the invoice, each with its receipt; finance may refund what is refundable. */
export function PaymentsSection({ invoiceId }: { invoiceId: string }): ReactNode {
  const payments = useInvoicePayments(invoiceId);
  const canRefund = useCan('billing:write');
  const [shown, setShown] = useState<Payment | undefined>(undefined);
  const [refunding, setRefunding] = useState<Payment | undefined>(undefined);
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="payments-title">
      <Title order={2} size="h4" mb="sm" id="payments-title">
        Payments
      </Title>
      {payments.isPending ? <PageLoader label="Loading payments" /> : null}
      <ProblemAlert error={payments.error} onRetry={() => void payments.refetch()} />
      {payments.data && payments.data.items.length === 0 ? (
        <Text c="dimmed" size="sm">
          No payments yet.
        </Text>
      ) : null}
      {payments.data && payments.data.items.length > 0 ? (
        <Table.ScrollContainer minWidth={520}>
          <Table verticalSpacing="xs" fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Receipt</Table.Th>
                <Table.Th>Received</Table.Th>
                <Table.Th>Method</Table.Th>
                <Table.Th ta="right">Amount</Table.Th>
                <Table.Th>
                  <Text span size="sm" fw={700}>
                    Actions
                  </Text>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {payments.data.items.map((payment) => (
                <Table.Tr key={payment.id} data-testid="payment-row">
                  <Table.Td>{payment.receiptNumber}</Table.Td>
                  <Table.Td>{formatDateTime(payment.receivedAt)}</Table.Td>
                  <Table.Td>
                    {humanise(payment.method)}
                    {payment.claimId ? ' (claim)' : ''}
                  </Table.Td>
                  <Table.Td ta="right">
                    {formatCents(payment.amountCents)}
                    {payment.refundedCents > 0 ? (
                      <Text size="xs" c="dimmed">
                        {formatCents(payment.refundedCents)} refunded
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="compact-sm" variant="subtle" onClick={() => setShown(payment)}>
                        Show receipt
                      </Button>
                      {canRefund && payment.refundableCents > 0 ? (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          aria-label={`Refund receipt ${payment.receiptNumber}`}
                          onClick={() => setRefunding(payment)}
                        >
                          Refund
                        </Button>
                      ) : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      {shown ? <ReceiptModal paymentId={shown.id} onClose={() => setShown(undefined)} /> : null}
      {refunding ? <RefundModal payment={refunding} onClose={() => setRefunding(undefined)} /> : null}
    </Paper>
  );
}
