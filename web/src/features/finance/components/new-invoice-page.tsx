import { Button, Group, Paper, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { PageHeader } from '@/components/ui/page-header';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { newIdempotencyKey } from '@/lib/api-client';
import { useCreateInvoice, usePatientLabel } from '../api/invoices';
import { InvoiceDraftFields } from './invoice-draft-fields';
import {
  emptyInvoiceForm,
  newInvoiceFrom,
  validateInvoiceForm,
  type InvoiceFormValues,
} from './invoice-form';
import { PatientPicker } from './patient-picker';

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
          <InvoiceDraftFields form={form} />
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
