import { Paper, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { VersionedEditForm } from '@/components/ui/versioned-edit-form';
import { useVersionedEdit } from '@/lib/versioned-edit';
import { invoiceQueryOptions, useUpdateInvoice, type VersionedInvoice } from '../api/invoices';
import {
  DRAFT_FIELDS,
  draftChanges,
  draftConflictRows,
  draftFormValues,
  keepDraftChanges,
} from './invoice-draft-edit';
import { InvoiceDraftFields } from './invoice-draft-fields';
import { validateInvoiceForm } from './invoice-form';

/**
 * Edits a draft's lines, discount, tax and notes. The save sends If-Match of the version the edit began
 * from: when someone saved the draft in between, the 412 shows both versions and lets the user choose.
 */
export function EditInvoiceDraftForm({
  record,
  onDone,
}: {
  record: VersionedInvoice;
  onDone: () => void;
}): ReactNode {
  const invoiceId = record.invoice.id;
  const edit = useVersionedEdit({
    record,
    recordQuery: invoiceQueryOptions(invoiceId),
    update: useUpdateInvoice(invoiceId),
    formValues: (version) => draftFormValues(version.invoice),
    validate: validateInvoiceForm,
    changes: (base, values) => draftChanges(base.invoice, values),
    conflictRows: (base, current, values) => draftConflictRows(base.invoice, current.invoice, values),
    keepMine: (base, current, mine) => keepDraftChanges(base.invoice, current.invoice, mine),
    savedAt: (version) => version.invoice.updatedAt,
    fields: DRAFT_FIELDS,
    savedMessage: 'The draft invoice is up to date.',
    onDone,
  });
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="edit-draft-title">
      <Title order={2} size="h3" mb="md" id="edit-draft-title">
        Edit the draft
      </Title>
      <VersionedEditForm edit={edit} label="Edit the draft invoice" saveLabel="Save draft" onCancel={onDone}>
        <Stack gap="lg">
          <InvoiceDraftFields form={edit.form} />
        </Stack>
      </VersionedEditForm>
    </Paper>
  );
}
