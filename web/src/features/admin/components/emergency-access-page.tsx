import {
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Pagination,
  Paper,
  Radio,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Textarea,
} from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { formatDateTime } from '@/lib/format';
import {
  useEmergencyAccesses,
  useReviewEmergencyAccess,
  type EmergencyAccess,
} from '../api/emergency-access';

const PAGE_SIZE = 25;

function ReviewModal({ access, onClose }: { access: EmergencyAccess; onClose: () => void }): ReactNode {
  const review = useReviewEmergencyAccess();
  const [outcome, setOutcome] = useState<'justified' | 'unjustified'>('justified');
  const [note, setNote] = useState('');
  return (
    <Modal opened onClose={onClose} title="Review emergency access" size="lg">
      <Stack gap="sm">
        <Text size="sm">
          <strong>{access.user.username}</strong> ({access.user.role}) opened the record of{' '}
          <strong>{access.patient.name}</strong> (MRN {access.patient.mrn}) at{' '}
          {formatDateTime(access.grantedAt)}, and acted on it {access.accessCount} time
          {access.accessCount === 1 ? '' : 's'}.
        </Text>
        <Paper withBorder p="sm" bg="gray.0">
          <Text size="sm" fw={600}>
            Reason given
          </Text>
          <Text size="sm">{access.reason}</Text>
        </Paper>
        <ProblemAlert error={review.error} title="The review was not saved" />
        <Radio.Group label="Outcome" value={outcome} onChange={(value) => setOutcome(value)} required>
          <Stack gap="xs" mt="xs">
            <Radio value="justified" label="Justified" />
            <Radio
              value="unjustified"
              label="Not justified"
              description="Closes the access if it is still open. Follow up with the user's manager."
            />
          </Stack>
        </Radio.Group>
        <Textarea
          label="Note"
          autosize
          minRows={2}
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            loading={review.isPending}
            color={outcome === 'unjustified' ? 'red' : undefined}
            onClick={() =>
              review.mutate(
                { id: access.id, outcome, ...(note.trim() ? { note: note.trim() } : {}) },
                { onSuccess: onClose },
              )
            }
          >
            Save review
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Break-the-glass accesses to review: who opened which record, why, and what they did. */
export function EmergencyAccessPage(): ReactNode {
  const [filter, setFilter] = useState<'pending' | 'reviewed' | 'all'>('pending');
  const [page, setPage] = useState(1);
  const [reviewing, setReviewing] = useState<EmergencyAccess | undefined>(undefined);
  const accesses = useEmergencyAccesses({
    ...(filter === 'all' ? {} : { reviewed: filter === 'reviewed' }),
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  });
  const pages = accesses.data ? Math.max(1, Math.ceil(accesses.data.total / PAGE_SIZE)) : 1;
  return (
    <>
      <PageHeader
        title="Break-the-glass review"
        description="Emergency openings of clinical records outside the user's care. Each needs a review."
      />
      <SegmentedControl
        mb="md"
        value={filter}
        onChange={(value) => {
          setFilter(value);
          setPage(1);
        }}
        data={[
          { value: 'pending', label: 'Waiting for review' },
          { value: 'reviewed', label: 'Reviewed' },
          { value: 'all', label: 'All' },
        ]}
        aria-label="Which accesses to show"
      />
      {accesses.isPending ? <PageLoader /> : null}
      <ProblemAlert error={accesses.error} onRetry={() => void accesses.refetch()} />
      {accesses.data && accesses.data.items.length === 0 ? (
        <EmptyState>
          {filter === 'pending' ? 'Nothing waits for review.' : 'No emergency accesses.'}
        </EmptyState>
      ) : null}
      {accesses.data && accesses.data.items.length > 0 ? (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={860}>
            <Table striped verticalSpacing="sm" fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Opened</Table.Th>
                  <Table.Th>User</Table.Th>
                  <Table.Th>Patient</Table.Th>
                  <Table.Th>Reason</Table.Th>
                  <Table.Th>Actions on record</Table.Th>
                  <Table.Th>Review</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {accesses.data.items.map((access) => (
                  <Table.Tr key={access.id}>
                    <Table.Td>
                      {formatDateTime(access.grantedAt)}
                      {access.active ? (
                        <Badge ml={4} size="xs" color="orange" variant="light">
                          Open
                        </Badge>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      {access.user.username}{' '}
                      <Text span size="xs" c="dimmed">
                        ({access.user.role})
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/patients/${access.patient.id}`}>
                        {access.patient.name}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        MRN {access.patient.mrn}
                      </Text>
                    </Table.Td>
                    <Table.Td maw={280}>{access.reason}</Table.Td>
                    <Table.Td>{access.accessCount}</Table.Td>
                    <Table.Td>
                      {access.review ? (
                        <Stack gap={2}>
                          <Badge
                            size="sm"
                            variant="light"
                            color={access.review.outcome === 'justified' ? 'green' : 'red'}
                          >
                            {access.review.outcome === 'justified' ? 'Justified' : 'Not justified'}
                          </Badge>
                          <Text size="xs" c="dimmed">
                            by {access.review.reviewedBy.username}
                          </Text>
                        </Stack>
                      ) : (
                        <Button size="compact-sm" onClick={() => setReviewing(access)}>
                          Review
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      ) : null}
      {pages > 1 ? (
        <Group justify="center" mt="md">
          <Pagination
            total={pages}
            value={page}
            onChange={setPage}
            getItemProps={(item) => ({ 'aria-label': `Page ${item}` })}
          />
        </Group>
      ) : null}
      {reviewing ? <ReviewModal access={reviewing} onClose={() => setReviewing(undefined)} /> : null}
    </>
  );
}
