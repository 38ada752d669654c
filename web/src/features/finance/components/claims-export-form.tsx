import { Button, Group, Paper, Select, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { IconDownload } from '@/components/ui/icons';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { humanise } from '@/lib/format';
import { saveFile } from '@/lib/save-file';
import { CLAIM_STATUSES, downloadClaimsExport, type ClaimStatus } from '../api/claims';

/**
 * Downloads one payer's batch of claims as CSV (submitted ones unless another status is chosen). The
 * server may first ask for a fresh authentication code: the batch leaves the hospital.
 */
export function ClaimsExportForm(): ReactNode {
  const [payer, setPayer] = useState('');
  const [status, setStatus] = useState<ClaimStatus>('submitted');
  const [payerError, setPayerError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!payer.trim()) {
      setPayerError('Name the payer, as on the coverage.');
      return;
    }
    setPayerError(undefined);
    setError(undefined);
    setBusy(true);
    downloadClaimsExport(payer.trim(), status)
      .then(saveFile, setError)
      .finally(() => setBusy(false));
  };
  return (
    <Paper withBorder p="md" radius="md" mb="md" component="section" aria-labelledby="claims-export-title">
      <Title order={2} size="h4" mb="sm" id="claims-export-title">
        Export a payer&apos;s batch
      </Title>
      <ProblemAlert error={error} title="The claims could not be exported" />
      <form onSubmit={submit} noValidate aria-label="Export claims as CSV">
        <Group align="flex-start" gap="md" wrap="wrap">
          <TextInput
            label="Payer"
            required
            w={260}
            maxLength={200}
            value={payer}
            error={payerError}
            onChange={(event) => {
              setPayer(event.currentTarget.value);
              setPayerError(undefined);
            }}
          />
          <Select
            label="Claims in status"
            w={220}
            allowDeselect={false}
            data={CLAIM_STATUSES.map((value) => ({ value, label: humanise(value) }))}
            value={status}
            onChange={(value) => setStatus(value ?? 'submitted')}
          />
          <Button
            type="submit"
            mt={25}
            variant="default"
            loading={busy}
            leftSection={<IconDownload size={16} aria-hidden />}
          >
            Download CSV
          </Button>
        </Group>
      </form>
    </Paper>
  );
}
