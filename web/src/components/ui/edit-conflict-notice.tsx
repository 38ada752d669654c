import { Alert, Button, Group, Table, Text } from '@mantine/core';
import { useEffect, useRef, type ReactNode } from 'react';
import { formatDateTime } from '@/lib/format';
import type { ConflictRow } from '@/lib/edit-conflict';

/** Shown after a 412: the save was refused because someone else saved first; the user chooses what to keep. */
export function EditConflictNotice({
  rows,
  savedAt,
  onUseCurrent,
  onKeepMine,
}: {
  rows: readonly ConflictRow[];
  savedAt: string;
  onUseCurrent: () => void;
  onKeepMine: () => void;
}): ReactNode {
  const alert = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // The save button is at the bottom of a long form: bring the explanation into view.
    alert.current?.scrollIntoView({ block: 'start' });
    alert.current?.focus();
  }, []);
  return (
    <Alert
      ref={alert}
      tabIndex={-1}
      color="orange"
      variant="light"
      role="alert"
      title="Someone else changed this record while you were editing"
      mb="md"
      data-testid="edit-conflict"
    >
      <Text size="sm" mb="xs">
        Your changes were <strong>not saved</strong>. The record was saved by someone else at{' '}
        {formatDateTime(savedAt)}. Compare the values and choose what to keep.
      </Text>
      <Table withTableBorder withColumnBorders fz="sm" mb="sm" bg="white">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Field</Table.Th>
            <Table.Th>Now in the record</Table.Th>
            <Table.Th>Your change</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.field}>
              <Table.Td>{row.label}</Table.Td>
              <Table.Td fw={row.changedByOther ? 700 : undefined}>{row.current}</Table.Td>
              <Table.Td>{row.mine}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group gap="sm">
        <Button variant="default" onClick={onUseCurrent}>
          Discard my changes
        </Button>
        <Button onClick={onKeepMine}>Apply my changes to the new version</Button>
      </Group>
    </Alert>
  );
}
