import {
  ActionIcon,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { IconPlus, IconTrash } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { newIdempotencyKey } from '@/lib/api-client';
import { formatCents } from '@/lib/format';
import { useCreateInvoice, usePatientLabel } from '../api/invoices';
import classes from './finance.module.css';
import {
  EMPTY_LINE,
  emptyInvoiceForm,
  newInvoiceFrom,
  previewTotals,
  validateInvoiceForm,
  type InvoiceFormValues,
} from './invoice-form';
import { PatientPicker } from './patient-picker';

/** The totals as the server will work them out, updated as lines are typed. */
function TotalsPreview({ values }: { values: InvoiceFormValues }): ReactNode {
  const totals = previewTotals(values);
  return (
    <dl className={classes.totals} aria-label="Invoice totals" data-testid="invoice-totals">
      <dt>Subtotal</dt>
      <dd>{formatCents(totals.subtotalCents)}</dd>
      <dt>Discount</dt>
      <dd>{totals.discountCents > 0 ? `-${formatCents(totals.discountCents)}` : formatCents(0)}</dd>
      <dt>Tax</dt>
      <dd>{formatCents(totals.taxCents)}</dd>
      <dt className={classes.grandTotal}>Total</dt>
      <dd className={classes.grandTotal}>{formatCents(totals.totalCents)}</dd>
    </dl>
  );
}

/** A draft invoice for a patient: service lines, a discount and the tax rate; issued on its own page. */
export function NewInvoicePage(): ReactNode {
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const initialPatientId = searchParams.get('patientId') ?? '';
  const patient = usePatientLabel(initialPatientId);
  // One key per form: a double click or a retry creates one draft.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const create = useCreateInvoice(idempotencyKey);
  const form = useForm<InvoiceFormValues>({
    mode: 'controlled',
    initialValues: emptyInvoiceForm(initialPatientId),
    validate: validateInvoiceForm,
  });
  const values = form.getValues();
  const totals = previewTotals(values);

  const submit = form.onSubmit(async (submitted) => {
    const invoice = await create.mutateAsync(newInvoiceFrom(submitted)).catch(() => undefined);
    if (invoice) void navigate(`/finance/invoices/${invoice.id}`);
  });

  return (
    <>
      <PageHeader
        title="New invoice"
        description="A draft until issued: it can be changed or voided, and gets its number when issued."
      />
      <ProblemAlert error={create.error} title="The invoice was not created" />
      <Paper
        withBorder
        p="lg"
        radius="md"
        component="form"
        onSubmit={submit}
        noValidate
        aria-label="New invoice"
      >
        <Stack gap="lg">
          <PatientPicker
            label="Patient"
            required
            w={420}
            value={values.patientId}
            selected={patient.data}
            error={form.errors['patientId']}
            onChange={(patientId) => form.setFieldValue('patientId', patientId)}
          />
          <Stack gap="sm" component="fieldset" m={0} p={0} bd="none">
            <Title order={2} size="h4" component="legend" mb="xs">
              Services
            </Title>
            {values.lines.map((_, index) => (
              <div className={classes.line} key={form.key(`lines.${index}`)} data-testid="invoice-line">
                <TextInput
                  label="Service code"
                  placeholder="CONS-GP"
                  {...form.getInputProps(`lines.${index}.serviceCode`)}
                />
                <TextInput
                  label="Description"
                  required
                  {...form.getInputProps(`lines.${index}.description`)}
                />
                <TextInput
                  label="Quantity"
                  required
                  inputMode="numeric"
                  {...form.getInputProps(`lines.${index}.quantity`)}
                />
                <TextInput
                  label="Unit price"
                  required
                  inputMode="decimal"
                  placeholder="0.00"
                  {...form.getInputProps(`lines.${index}.unitPrice`)}
                />
                <Text className={classes.lineTotal} aria-label={`Line ${index + 1} total`}>
                  {formatCents(totals.lineTotalsCents[index] ?? 0)}
                </Text>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  size="lg"
                  mb={2}
                  aria-label={`Remove line ${index + 1}`}
                  disabled={values.lines.length === 1}
                  onClick={() => form.removeListItem('lines', index)}
                >
                  <IconTrash size={18} aria-hidden />
                </ActionIcon>
              </div>
            ))}
            {form.errors['lines'] ? (
              <Text c="red.9" size="sm" role="alert">
                {form.errors['lines']}
              </Text>
            ) : null}
            <Group>
              <Button
                variant="default"
                leftSection={<IconPlus size={16} aria-hidden />}
                onClick={() => form.insertListItem('lines', { ...EMPTY_LINE })}
                disabled={values.lines.length >= 200}
              >
                Add a line
              </Button>
            </Group>
          </Stack>
          <Group align="flex-end" gap="md" wrap="wrap">
            <Stack gap={4}>
              <Text size="sm" fw={500} id="discount-kind">
                Discount
              </Text>
              <SegmentedControl
                aria-labelledby="discount-kind"
                data={[
                  { value: 'none', label: 'None' },
                  { value: 'amount', label: 'Amount' },
                  { value: 'percent', label: 'Percent' },
                ]}
                {...form.getInputProps('discountKind')}
              />
            </Stack>
            {values.discountKind !== 'none' ? (
              <TextInput
                label={values.discountKind === 'amount' ? 'Discount amount' : 'Discount %'}
                w={160}
                inputMode="decimal"
                {...form.getInputProps('discount')}
              />
            ) : null}
            <TextInput label="Tax %" w={120} inputMode="decimal" {...form.getInputProps('taxPercent')} />
          </Group>
          <Textarea label="Notes" autosize minRows={2} maxRows={6} {...form.getInputProps('notes')} />
          <TotalsPreview values={values} />
          <Group gap="sm">
            <Button type="submit" loading={create.isPending}>
              Create draft
            </Button>
            <Button component={Link} to="/finance/invoices" variant="default">
              Cancel
            </Button>
          </Group>
        </Stack>
      </Paper>
    </>
  );
}
