import { Button, Group, Modal, NumberInput, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { ReactNode } from 'react';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { isApiError } from '@/lib/api-client';
import { fieldErrorsOf, formProblem } from '@/lib/problem';
import {
  HISTORY_TYPES,
  SEVERITIES,
  useAddHistoryEntry,
  useAmendHistoryEntry,
  type HistoryEntry,
} from '../api/history';
import {
  emptyEntryForm,
  entryFormFrom,
  entryInputFrom,
  TEXT_LABELS,
  TYPE_LABELS,
  validateEntryForm,
  VITAL_FIELDS,
  type EntryFormValues,
} from './history-entry-form';
import { humanise } from '@/lib/format';

const FORM_FIELDS = [
  'type',
  'recordedAt',
  'text',
  'icd10Code',
  'severity',
  'reason',
  ...VITAL_FIELDS.map((field) => field.name),
];

/** Server field names (vitals.pulseBpm) as the form's (pulseBpm). */
function formErrors(errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(errors).map(([field, message]) => [field.replace(/^vitals\./, ''), message]),
  );
}

/** Adds an entry, or amends one (a new version with a reason; the earlier stays readable). */
export function HistoryEntryModal({
  patientId,
  entry,
  onClose,
}: {
  patientId: string;
  /** The entry to amend; absent to add a new one. */
  entry?: HistoryEntry;
  onClose: () => void;
}): ReactNode {
  const amending = entry !== undefined;
  const add = useAddHistoryEntry(patientId);
  const amend = useAmendHistoryEntry(patientId);
  const mutation = amending ? amend : add;
  const form = useForm<EntryFormValues>({
    mode: 'controlled',
    initialValues: entry ? entryFormFrom(entry) : emptyEntryForm(),
    validate: (values) => validateEntryForm(values, amending),
  });
  const type = form.getValues().type;

  const submit = form.onSubmit(async (values) => {
    try {
      if (entry) {
        await amend.mutateAsync({
          entryId: entry.id,
          version: entry.version,
          reason: values.reason.trim(),
          ...entryInputFrom(values, true),
        });
      } else {
        await add.mutateAsync({ type: values.type, ...entryInputFrom(values, false) });
      }
      onClose();
    } catch (error) {
      if (isApiError(error) && error.status !== 412) form.setErrors(formErrors(fieldErrorsOf(error.problem)));
    }
  });

  const problem = mutation.error?.problem;
  const { showAlert } = formProblem(
    problem && {
      ...problem,
      errors: problem.errors?.map((e) => ({ ...e, field: e.field.replace(/^vitals\./, '') })),
    },
    FORM_FIELDS,
  );
  return (
    <Modal
      opened
      onClose={onClose}
      title={amending ? `Amend ${TYPE_LABELS[entry.type].toLowerCase()}` : 'Add to the medical history'}
      size="lg"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {mutation.error?.status === 412 ? (
            <ProblemAlert error={mutation.error} title="Someone amended this entry in the meantime">
              Close this window to see the current version, then amend that one.
            </ProblemAlert>
          ) : showAlert ? (
            <ProblemAlert error={mutation.error} title="The entry was not saved" />
          ) : null}
          {amending ? null : (
            <Select
              label="Type"
              data={HISTORY_TYPES.map((value) => ({ value, label: TYPE_LABELS[value] }))}
              allowDeselect={false}
              {...form.getInputProps('type')}
            />
          )}
          <TextInput
            label="Observed at"
            description="Leave empty for now"
            type="datetime-local"
            {...form.getInputProps('recordedAt')}
          />
          {type === 'diagnosis' ? (
            <TextInput
              label="ICD-10 code"
              description="For example I10 or E11.9"
              {...form.getInputProps('icd10Code')}
            />
          ) : null}
          {type === 'allergy' ? (
            <Select
              label="Severity"
              data={SEVERITIES.map((value) => ({ value, label: humanise(value) }))}
              clearable
              {...form.getInputProps('severity')}
            />
          ) : null}
          {type === 'vital_signs' ? (
            <Group grow align="flex-start" wrap="wrap">
              {VITAL_FIELDS.map((field) => (
                <NumberInput
                  key={field.name}
                  label={field.label}
                  min={field.min}
                  max={field.max}
                  step={field.step}
                  decimalScale={field.step < 1 ? 1 : 0}
                  hideControls
                  miw={140}
                  {...form.getInputProps(field.name)}
                  value={form.getValues()[field.name]}
                  onChange={(value) => form.setFieldValue(field.name, String(value))}
                />
              ))}
            </Group>
          ) : null}
          <Textarea
            label={TEXT_LABELS[type]}
            required={type !== 'vital_signs'}
            autosize
            minRows={3}
            maxRows={12}
            {...form.getInputProps('text')}
          />
          {amending ? (
            <Textarea
              label="Reason for the amendment"
              description="Kept with the new version; the earlier version stays readable."
              required
              autosize
              minRows={2}
              {...form.getInputProps('reason')}
            />
          ) : null}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              {amending ? 'Save amendment' : 'Add entry'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
