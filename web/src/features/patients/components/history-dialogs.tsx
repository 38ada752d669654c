import { Badge, Button, Group, Modal, Stack, Text, Textarea, Timeline } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { formatDateTime } from '@/lib/format';
import { useHistoryVersions, useMarkEnteredInError, type HistoryEntry } from '../api/history';
import { EntryContent } from './history-entry-content';

/** Every version of an entry, oldest first, with who changed it and why. */
export function VersionsModal({
  patientId,
  entry,
  onClose,
}: {
  patientId: string;
  entry: HistoryEntry;
  onClose: () => void;
}): ReactNode {
  const versions = useHistoryVersions(patientId, entry.id);
  return (
    <Modal opened onClose={onClose} title="Versions of this entry" size="lg">
      {versions.isPending ? <PageLoader /> : null}
      <ProblemAlert error={versions.error} />
      {versions.data ? (
        <Timeline active={versions.data.items.length - 1} bulletSize={18} lineWidth={2}>
          {versions.data.items.map((version) => (
            <Timeline.Item
              key={version.version}
              title={
                <Group gap="xs">
                  <Text fw={600}>Version {version.version}</Text>
                  {version.version === versions.data.currentVersion ? (
                    <Badge size="sm" variant="light">
                      Current
                    </Badge>
                  ) : null}
                </Group>
              }
            >
              <EntryContent type={entry.type} content={version} />
              <Text size="xs" c="dimmed" mt={4}>
                By {version.author.username} at {formatDateTime(version.createdAt)}
                {version.amendmentReason ? ` · Reason: ${version.amendmentReason}` : ''}
              </Text>
            </Timeline.Item>
          ))}
        </Timeline>
      ) : null}
    </Modal>
  );
}

/** Marks an entry entered in error: it stays in the record, struck through, with the reason. */
export function EnteredInErrorModal({
  patientId,
  entry,
  onClose,
}: {
  patientId: string;
  entry: HistoryEntry;
  onClose: () => void;
}): ReactNode {
  const mark = useMarkEnteredInError(patientId);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  return (
    <Modal opened onClose={onClose} title="Mark as entered in error">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!reason.trim()) {
            setError('Say why the entry is wrong.');
            return;
          }
          mark.mutate(
            { entryId: entry.id, version: entry.version, reason: reason.trim() },
            { onSuccess: onClose },
          );
        }}
      >
        <Stack gap="sm">
          <Text size="sm">
            The entry is never deleted: it stays readable, marked as entered in error, for the record.
          </Text>
          <ProblemAlert error={mark.error} />
          <Textarea
            label="Reason"
            required
            autosize
            minRows={2}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            error={error}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={mark.isPending}>
              Mark entered in error
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
