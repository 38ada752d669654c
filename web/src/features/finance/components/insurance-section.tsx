import { Button, Group, Modal, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { PageLoader } from '@/components/ui/page-loader';
import { newIdempotencyKey } from '@/lib/api-client';
import { formatCents, formatDate, localToday } from '@/lib/format';
import { useCan } from '@/lib/session';
import { useAddCoverage, useClaims, useCoverages, useCreateClaim, type Coverage } from '../api/claims';
import type { Invoice } from '../api/invoices';
import { ClaimActions } from './claim-actions';
import { invoiceActions } from './invoice-filters';
import { parseBasisPoints } from './invoice-form';
import { StatusBadge } from './status-badge';

function AddCoverageModal({ patientId, onClose }: { patientId: string; onClose: () => void }): ReactNode {
  const [idempotencyKey] = useState(newIdempotencyKey);
  const add = useAddCoverage(patientId, idempotencyKey);
  const [values, setValues] = useState({
    provider: '',
    policyNumber: '',
    share: '80',
    validFrom: localToday(),
    validTo: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const field = (name: keyof typeof values) => ({
    value: values[name],
    error: errors[name],
    onChange: (event: { currentTarget: { value: string } }) =>
      setValues({ ...values, [name]: event.currentTarget.value }),
  });
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const share = parseBasisPoints(values.share);
    const next: Record<string, string> = {};
    if (!values.provider.trim()) next['provider'] = 'Name the insurer.';
    if (!values.policyNumber.trim()) next['policyNumber'] = 'Enter the policy number.';
    if (share === undefined || share < 1) next['share'] = 'A percentage above 0, at most 100.';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.validFrom)) next['validFrom'] = 'Enter the first covered day.';
    if (values.validTo && values.validTo < values.validFrom) next['validTo'] = 'Ends before it starts.';
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    add.mutate(
      {
        provider: values.provider.trim(),
        policyNumber: values.policyNumber.trim(),
        coverageBasisPoints: share ?? 0,
        validFrom: values.validFrom,
        ...(values.validTo ? { validTo: values.validTo } : {}),
      },
      { onSuccess: onClose },
    );
  };
  return (
    <Modal opened onClose={onClose} title="Add an insurance coverage">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <ProblemAlert error={add.error} title="The coverage was not saved" />
          <TextInput label="Insurer" required maxLength={200} {...field('provider')} data-autofocus />
          <TextInput label="Policy number" required maxLength={100} {...field('policyNumber')} />
          <TextInput label="Share covered %" required inputMode="decimal" {...field('share')} />
          <Group grow>
            <TextInput label="Valid from" type="date" required {...field('validFrom')} />
            <TextInput label="Valid to" type="date" {...field('validTo')} />
          </Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={add.isPending}>
              Save coverage
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function CoverageList({ coverages }: { coverages: readonly Coverage[] }): ReactNode {
  if (coverages.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        No insurance coverage on record: the patient pays themselves.
      </Text>
    );
  }
  return (
    <Table verticalSpacing="xs" fz="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Insurer</Table.Th>
          <Table.Th>Policy</Table.Th>
          <Table.Th ta="right">Share</Table.Th>
          <Table.Th>Valid</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {coverages.map((coverage) => (
          <Table.Tr key={coverage.id}>
            <Table.Td>{coverage.provider}</Table.Td>
            <Table.Td>{coverage.policyNumber}</Table.Td>
            <Table.Td ta="right">{coverage.coverageBasisPoints / 100} %</Table.Td>
            <Table.Td>
              {formatDate(coverage.validFrom)} – {coverage.validTo ? formatDate(coverage.validTo) : 'open'}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** The patient's insurance and the claims made for this invoice, with the next step of each. */
export function InsuranceSection({ invoice }: { invoice: Invoice }): ReactNode {
  const canWrite = useCan('claims:write');
  const coverages = useCoverages(invoice.patientId);
  const claims = useClaims({ invoiceId: invoice.id });
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const createClaim = useCreateClaim(idempotencyKey);
  const [adding, setAdding] = useState(false);
  const hasCoverage = (coverages.data?.items.length ?? 0) > 0;
  const openClaim = claims.data?.items.some(
    (claim) => claim.status !== 'paid' && claim.status !== 'rejected',
  );
  const mayClaim = canWrite && hasCoverage && invoiceActions(invoice).claim && !openClaim;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="insurance-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="insurance-title">
          Insurance and claims
        </Title>
        {canWrite ? (
          <Button size="compact-sm" variant="default" onClick={() => setAdding(true)}>
            Add coverage
          </Button>
        ) : null}
      </Group>
      {coverages.isPending ? <PageLoader label="Loading coverage" /> : null}
      <ProblemAlert error={coverages.error} onRetry={() => void coverages.refetch()} />
      {coverages.data ? <CoverageList coverages={coverages.data.items} /> : null}
      <Title order={3} size="h5" mt="md" mb="xs">
        Claims for this invoice
      </Title>
      <ProblemAlert error={claims.error} onRetry={() => void claims.refetch()} />
      {claims.data && claims.data.items.length === 0 ? (
        <Text c="dimmed" size="sm">
          No claim yet.
        </Text>
      ) : null}
      {claims.data && claims.data.items.length > 0 ? (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs" fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Claim</Table.Th>
                <Table.Th>Payer</Table.Th>
                <Table.Th ta="right">Claimed</Table.Th>
                <Table.Th ta="right">Approved</Table.Th>
                <Table.Th>Status</Table.Th>
                {canWrite ? <Table.Th>Next step</Table.Th> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {claims.data.items.map((claim) => (
                <Table.Tr key={claim.id} data-testid="claim-row">
                  <Table.Td>{claim.claimNumber}</Table.Td>
                  <Table.Td>{claim.payer}</Table.Td>
                  <Table.Td ta="right">{formatCents(claim.claimedCents)}</Table.Td>
                  <Table.Td ta="right">{formatCents(claim.approvedCents)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={claim.status} />
                    {claim.rejectionReason ? (
                      <Text size="xs" c="dimmed">
                        {claim.rejectionReason}
                      </Text>
                    ) : null}
                  </Table.Td>
                  {canWrite ? (
                    <Table.Td>
                      <ClaimActions claim={claim} />
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      {mayClaim ? (
        <Stack gap={4} mt="sm">
          <Group>
            <Button
              size="compact-sm"
              loading={createClaim.isPending}
              onClick={() =>
                createClaim.mutate(
                  { invoiceId: invoice.id },
                  { onSuccess: () => setIdempotencyKey(newIdempotencyKey()) },
                )
              }
            >
              Claim from the insurer
            </Button>
            <Text size="xs" c="dimmed">
              For the coverage&apos;s share of the invoice, at most what is outstanding.
            </Text>
          </Group>
          <ProblemAlert error={createClaim.error} title="The claim was not created" />
        </Stack>
      ) : null}
      {adding ? <AddCoverageModal patientId={invoice.patientId} onClose={() => setAdding(false)} /> : null}
    </Paper>
  );
}
