import { Anchor, Paper, Select, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { formatCents, formatDate, humanise } from '@/lib/format';
import { useCan } from '@/lib/session';
import { CLAIM_STATUSES, useClaims, type ClaimStatus } from '../api/claims';
import { ClaimActions } from './claim-actions';
import { ClaimsExportForm } from './claims-export-form';
import { StatusBadge } from './status-badge';

/** Insurance claims by status, each with the next step of its workflow; new claims start on an invoice. */
export function ClaimsPage(): ReactNode {
  const [searchParams, setSearchParams] = useSearchParams();
  const requested = searchParams.get('status');
  const status = (CLAIM_STATUSES as readonly string[]).includes(requested ?? '')
    ? (requested as ClaimStatus)
    : undefined;
  const claims = useClaims(status ? { status } : {});
  const canWrite = useCan('claims:write');
  return (
    <>
      <PageHeader
        title="Insurance claims"
        description="Submitted, in review, decided and paid claims. Claim an issued invoice from its page."
      />
      <Paper withBorder p="md" radius="md" mb="md" component="section" aria-label="Filter the claims">
        <Select
          label="Status"
          w={220}
          allowDeselect={false}
          data={[
            { value: '', label: 'Any status' },
            ...CLAIM_STATUSES.map((value) => ({ value, label: humanise(value) })),
          ]}
          value={status ?? ''}
          onChange={(value) => setSearchParams(value ? { status: value } : {}, { replace: true })}
        />
      </Paper>
      <ClaimsExportForm />
      {claims.isPending ? <PageLoader label="Loading claims" /> : null}
      <ProblemAlert error={claims.error} onRetry={() => void claims.refetch()} />
      {claims.data && claims.data.items.length === 0 ? <EmptyState>No claim matches.</EmptyState> : null}
      {claims.data && claims.data.items.length > 0 ? (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={900}>
            <Table striped verticalSpacing="sm" aria-busy={claims.isFetching}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Claim</Table.Th>
                  <Table.Th>Invoice</Table.Th>
                  <Table.Th>Payer</Table.Th>
                  <Table.Th>Submitted</Table.Th>
                  <Table.Th ta="right">Claimed</Table.Th>
                  <Table.Th ta="right">Approved</Table.Th>
                  <Table.Th ta="right">Paid</Table.Th>
                  <Table.Th>Status</Table.Th>
                  {canWrite ? <Table.Th>Next step</Table.Th> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {claims.data.items.map((claim) => (
                  <Table.Tr key={claim.id} data-testid="claim-row">
                    <Table.Td>{claim.claimNumber}</Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/finance/invoices/${claim.invoiceId}`}>
                        {claim.invoiceNumber}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      {claim.payer}
                      <Text size="xs" c="dimmed">
                        {claim.policyNumber}
                      </Text>
                    </Table.Td>
                    <Table.Td>{formatDate(claim.submittedAt)}</Table.Td>
                    <Table.Td ta="right">{formatCents(claim.claimedCents)}</Table.Td>
                    <Table.Td ta="right">{formatCents(claim.approvedCents)}</Table.Td>
                    <Table.Td ta="right">{formatCents(claim.paidCents)}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={claim.status} />
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
        </Paper>
      ) : null}
    </>
  );
}
