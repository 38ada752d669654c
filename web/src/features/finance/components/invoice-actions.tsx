import { Button, Group, Modal, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { newIdempotencyKey } from '@/lib/api-client';
import { formatCents, humanise } from '@/lib/format';
import { useInvoiceTransition, useReissueInvoice, type Invoice } from '../api/invoices';
import { PAYMENT_METHODS, useRecordPayment, type PaymentMethod } from '../api/payments';
import { parseCents } from './invoice-form';

/** Issues a draft: it gets its number and can no longer change. */
export function IssueButton({ invoice, etag }: { invoice: Invoice; etag: string }): ReactNode {
  const [idempotencyKey] = useState(newIdempotencyKey);
  const issue = useInvoiceTransition(invoice.id, 'issue');
  return (
    <Stack gap={4}>
      <Button
        loading={issue.isPending}
        onClick={() =>
          issue.mutate(
            { etag, idempotencyKey },
            {
              onSuccess: (issued) =>
                notifications.show({ color: 'green', message: `Invoice ${issued.number ?? ''} issued.` }),
            },
          )
        }
      >
        Issue invoice
      </Button>
      <ProblemAlert error={issue.error} title="The invoice was not issued" />
    </Stack>
  );
}

/** Copies a void invoice into a new draft (which points back to it) and opens the draft to correct. */
export function ReissueButton({ invoice }: { invoice: Invoice }): ReactNode {
  const navigate = useNavigate();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const reissue = useReissueInvoice(invoice.id, idempotencyKey);
  return (
    <Stack gap={4}>
      <Button
        loading={reissue.isPending}
        onClick={() =>
          reissue.mutate(undefined, {
            onSuccess: (copy) => {
              notifications.show({
                color: 'green',
                message: `A corrected copy of ${invoice.number ?? 'the invoice'} is drafted.`,
              });
              void navigate(`/finance/invoices/${copy.id}`);
            },
          })
        }
      >
        Reissue as a new draft
      </Button>
      <ProblemAlert error={reissue.error} title="The invoice was not reissued" />
    </Stack>
  );
}

/** Voids the invoice with a reason (recorded and shown on the invoice). */
export function VoidInvoiceModal({
  invoice,
  etag,
  onClose,
}: {
  invoice: Invoice;
  etag: string;
  onClose: () => void;
}): ReactNode {
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const voiding = useInvoiceTransition(invoice.id, 'void');
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!reason.trim()) {
      setError('Say why the invoice is voided.');
      return;
    }
    voiding.mutate({ etag, idempotencyKey, reason: reason.trim() }, { onSuccess: onClose });
  };
  return (
    <Modal opened onClose={onClose} title={`Void invoice ${invoice.number ?? '(draft)'}`}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm">
            A void invoice stays on record with its number; it no longer counts as owed. To correct it,
            reissue a copy afterwards.
          </Text>
          <ProblemAlert error={voiding.error} title="The invoice was not voided" />
          <Textarea
            label="Reason"
            required
            autosize
            minRows={2}
            maxLength={1000}
            value={reason}
            error={error}
            onChange={(event) => setReason(event.currentTarget.value)}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Keep it
            </Button>
            <Button type="submit" color="red" loading={voiding.isPending}>
              Void invoice
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Takes a payment on the invoice; the amount defaults to what is outstanding. */
export function PaymentModal({ invoice, onClose }: { invoice: Invoice; onClose: () => void }): ReactNode {
  const [idempotencyKey] = useState(newIdempotencyKey);
  const record = useRecordPayment(invoice.id, idempotencyKey);
  const [amount, setAmount] = useState(formatCents(invoice.outstandingCents).replace(/,/g, ''));
  const [method, setMethod] = useState<PaymentMethod>('card');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const amountCents = parseCents(amount);
    if (amountCents === undefined || amountCents === 0) {
      setError('An amount such as 45.00.');
      return;
    }
    if (amountCents > invoice.outstandingCents) {
      setError(`At most the ${formatCents(invoice.outstandingCents)} outstanding.`);
      return;
    }
    setError(undefined);
    record.mutate(
      { amountCents, method, ...(reference.trim() ? { reference: reference.trim() } : {}) },
      {
        onSuccess: (payment) => {
          notifications.show({
            color: 'green',
            message: `Payment of ${formatCents(payment.amountCents)} recorded, receipt ${payment.receiptNumber}.`,
          });
          onClose();
        },
      },
    );
  };
  return (
    <Modal opened onClose={onClose} title={`Record a payment on ${invoice.number ?? 'the invoice'}`}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm">Outstanding: {formatCents(invoice.outstandingCents)}</Text>
          <ProblemAlert error={record.error} title="The payment was not recorded" />
          <TextInput
            label="Amount"
            required
            inputMode="decimal"
            value={amount}
            error={error}
            onChange={(event) => setAmount(event.currentTarget.value)}
            data-autofocus
          />
          <Select
            label="Method"
            required
            allowDeselect={false}
            data={PAYMENT_METHODS.map((value) => ({ value, label: humanise(value) }))}
            value={method}
            onChange={(value) => setMethod(value ?? 'card')}
          />
          <TextInput
            label="Reference"
            description="Card slip, transfer or payer reference"
            maxLength={200}
            value={reference}
            onChange={(event) => setReference(event.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={record.isPending}>
              Record payment
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
