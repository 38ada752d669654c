import {
  Badge,
  Button,
  Group,
  Pagination,
  Paper,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Timeline,
} from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { IconDownload, IconPlus } from '@/components/ui/icons';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { isApiError } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';
import { useCan } from '@/lib/session';
import {
  HISTORY_TYPES,
  historyPdfUrl,
  useHistory,
  type HistoryEntry,
  type HistoryFilters,
  type HistoryType,
} from '../api/history';
import { BreakGlassPanel, isNotInCare } from './break-glass-panel';
import { EnteredInErrorModal, VersionsModal } from './history-dialogs';
import { EntryContent } from './history-entry-content';
import { TYPE_LABELS } from './history-entry-form';
import { HistoryEntryModal } from './history-entry-modal';

const PAGE_SIZE = 20;

type Dialog =
  | { kind: 'add' }
  | { kind: 'amend'; entry: HistoryEntry }
  | { kind: 'versions'; entry: HistoryEntry }
  | { kind: 'error'; entry: HistoryEntry };

function EntryItem({
  entry,
  canWrite,
  open,
}: {
  entry: HistoryEntry;
  canWrite: boolean;
  open: (dialog: Dialog) => void;
}): ReactNode {
  const inError = entry.enteredInError !== null;
  return (
    <Timeline.Item
      title={
        <Group gap="xs">
          <Text fw={600} td={inError ? 'line-through' : undefined}>
            {TYPE_LABELS[entry.type]}
          </Text>
          <Text size="sm" c="dimmed">
            {formatDateTime(entry.recordedAt)}
          </Text>
          {entry.version > 1 ? (
            <Badge size="sm" variant="light" color="blue">
              Amended (v{entry.version})
            </Badge>
          ) : null}
          {inError ? (
            <Badge size="sm" variant="light" color="red">
              Entered in error
            </Badge>
          ) : null}
        </Group>
      }
      data-testid="history-entry"
    >
      <div style={inError ? { opacity: 0.75 } : undefined}>
        <EntryContent type={entry.type} content={entry} />
      </div>
      <Text size="xs" c="dimmed" mt={4}>
        Recorded by {entry.firstRecordedBy.username} at {formatDateTime(entry.firstCreatedAt)}
        {entry.version > 1
          ? ` · amended by ${entry.author.username} at ${formatDateTime(entry.createdAt)}: ${entry.amendmentReason ?? ''}`
          : ''}
        {inError
          ? ` · marked in error by ${entry.enteredInError?.markedBy.username}: ${entry.enteredInError?.reason}`
          : ''}
      </Text>
      <Group gap="xs" mt={6}>
        {canWrite && !inError ? (
          <>
            <Button size="compact-sm" variant="default" onClick={() => open({ kind: 'amend', entry })}>
              Amend
            </Button>
            <Button size="compact-sm" variant="default" onClick={() => open({ kind: 'error', entry })}>
              Entered in error
            </Button>
          </>
        ) : null}
        {entry.version > 1 ? (
          <Button size="compact-sm" variant="subtle" onClick={() => open({ kind: 'versions', entry })}>
            Show all {entry.version} versions
          </Button>
        ) : null}
      </Group>
    </Timeline.Item>
  );
}

/** The medical history: a filtered timeline, newest first, with additions, amendments and the PDF. */
export function HistoryPanel({ patientId }: { patientId: string }): ReactNode {
  const canWrite = useCan('history:write');
  const [type, setType] = useState<HistoryType | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [includeEnteredInError, setIncludeEnteredInError] = useState(false);
  const [page, setPage] = useState(1);
  const [dialog, setDialog] = useState<Dialog | undefined>(undefined);
  const filters: HistoryFilters = {
    ...(type ? { type } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(includeEnteredInError ? { includeEnteredInError } : {}),
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  };
  const history = useHistory(patientId, filters);

  if (isNotInCare(history.error)) return <BreakGlassPanel patientId={patientId} problem={history.error} />;
  const pages = history.data ? Math.max(1, Math.ceil(history.data.total / PAGE_SIZE)) : 1;
  const close = (): void => setDialog(undefined);
  return (
    <Stack gap="md">
      <Paper withBorder p="md" radius="md">
        <Group align="flex-end" gap="md" wrap="wrap">
          <Select
            label="Type"
            placeholder="All types"
            data={HISTORY_TYPES.map((value) => ({ value, label: TYPE_LABELS[value] }))}
            value={type}
            onChange={(value) => {
              setType(value);
              setPage(1);
            }}
            clearable
            w={190}
          />
          <TextInput
            label="From"
            type="date"
            value={from}
            onChange={(event) => setFrom(event.currentTarget.value)}
          />
          <TextInput
            label="To"
            type="date"
            value={to}
            onChange={(event) => setTo(event.currentTarget.value)}
          />
          <Switch
            label="Show entries in error"
            checked={includeEnteredInError}
            onChange={(event) => setIncludeEnteredInError(event.currentTarget.checked)}
            mb={8}
          />
          <Group gap="sm" ml="auto">
            <Button
              component="a"
              href={historyPdfUrl(patientId)}
              download
              variant="default"
              leftSection={<IconDownload size={16} aria-hidden />}
            >
              History PDF
            </Button>
            {canWrite ? (
              <Button
                leftSection={<IconPlus size={16} aria-hidden />}
                onClick={() => setDialog({ kind: 'add' })}
              >
                Add entry
              </Button>
            ) : null}
          </Group>
        </Group>
      </Paper>
      {history.isPending ? <PageLoader /> : null}
      {history.isError && !isApiError(history.error, 403) ? (
        <ProblemAlert error={history.error} onRetry={() => void history.refetch()} />
      ) : null}
      {history.isError && isApiError(history.error, 403) ? <ProblemAlert error={history.error} /> : null}
      {history.data && history.data.items.length === 0 ? (
        <EmptyState>Nothing recorded for these filters.</EmptyState>
      ) : null}
      {history.data && history.data.items.length > 0 ? (
        <Paper withBorder p="md" radius="md">
          <Text size="sm" c="dimmed" mb="sm" role="status">
            {history.data.total} entr{history.data.total === 1 ? 'y' : 'ies'}, newest first
          </Text>
          <Timeline bulletSize={14} lineWidth={2}>
            {history.data.items.map((entry) => (
              <EntryItem key={entry.id} entry={entry} canWrite={canWrite} open={setDialog} />
            ))}
          </Timeline>
        </Paper>
      ) : null}
      {pages > 1 ? (
        <Group justify="center">
          <Pagination
            total={pages}
            value={page}
            onChange={setPage}
            getItemProps={(item) => ({ 'aria-label': `Page ${item}` })}
          />
        </Group>
      ) : null}
      {dialog?.kind === 'add' ? <HistoryEntryModal patientId={patientId} onClose={close} /> : null}
      {dialog?.kind === 'amend' ? (
        <HistoryEntryModal patientId={patientId} entry={dialog.entry} onClose={close} />
      ) : null}
      {dialog?.kind === 'versions' ? (
        <VersionsModal patientId={patientId} entry={dialog.entry} onClose={close} />
      ) : null}
      {dialog?.kind === 'error' ? (
        <EnteredInErrorModal patientId={patientId} entry={dialog.entry} onClose={close} />
      ) : null}
    </Stack>
  );
}
