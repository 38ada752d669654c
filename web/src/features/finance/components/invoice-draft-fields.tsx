import {
  ActionIcon,
  Button,
  Group,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { useId, type ReactNode } from 'react';
import { IconPlus, IconTrash } from '@/components/ui/icons';
import { formatCents } from '@/lib/format';
import classes from './finance.module.css';
import { EMPTY_LINE, previewTotals, type InvoiceFormValues } from './invoice-form';

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

/**
 * What a draft invoice is made of, as the new-invoice form and the draft's edit form share it: the
 * service lines (added and removed), the discount, the tax rate, the notes and the live totals.
 */
export function InvoiceDraftFields({ form }: { form: UseFormReturnType<InvoiceFormValues> }): ReactNode {
  const discountLabelId = useId();
  const values = form.getValues();
  const totals = previewTotals(values);
  return (
    <>
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
            <TextInput label="Description" required {...form.getInputProps(`lines.${index}.description`)} />
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
          <Text size="sm" fw={500} id={discountLabelId}>
            Discount
          </Text>
          <SegmentedControl
            aria-labelledby={discountLabelId}
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
    </>
  );
}
