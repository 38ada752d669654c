import { Button, Group, Modal, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { DetailList } from '@/components/ui/detail-list';
import { EmptyState } from '@/components/ui/empty-state';
import { IconDownload } from '@/components/ui/icons';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { formatCents, formatDate, formatDateTime, humanise, localToday } from '@/lib/format';
import { saveFile } from '@/lib/save-file';
import { useCan } from '@/lib/session';
import { downloadStatementPdf, useStatement, type Statement, type StatementPeriod } from '../api/statement';
import { defaultStatementPeriod, statementPeriodProblem } from './statement-period';

function StatementLines({ statement }: { statement: Statement }): ReactNode {
  if (statement.lines.length === 0) return <EmptyState>No transactions in this period.</EmptyState>;
  return (
    <Paper withBorder radius="md">
      {/* Native scrolling on a focusable region, so that the wide table scrolls from the keyboard too. */}
      <Table.ScrollContainer
        type="native"
        minWidth={720}
        tabIndex={0}
        role="region"
        aria-label="Statement lines, scrollable"
      >
        <Table striped verticalSpacing="xs" data-testid="statement-lines">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Date</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Reference</Table.Th>
              <Table.Th>Description</Table.Th>
              <Table.Th ta="right">Debit</Table.Th>
              <Table.Th ta="right">Credit</Table.Th>
              <Table.Th ta="right">Balance</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {statement.lines.map((line, index) => (
              <Table.Tr key={`${line.kind}-${line.reference}-${index}`}>
                <Table.Td>{formatDateTime(line.at)}</Table.Td>
                <Table.Td>{humanise(line.kind)}</Table.Td>
                <Table.Td>
                  {line.reference}
                  {line.reference === line.invoiceNumber ? null : (
                    <Text size="xs" c="dimmed">
                      {line.invoiceNumber}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{line.description}</Table.Td>
                <Table.Td ta="right">{line.debitCents ? formatCents(line.debitCents) : ''}</Table.Td>
                <Table.Td ta="right">{line.creditCents ? formatCents(line.creditCents) : ''}</Table.Td>
                <Table.Td ta="right">{formatCents(line.balanceCents)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

/** Saves the statement PDF of the period shown; the download goes with the session cookie. */
function StatementPdfButton({
  patientId,
  period,
  disabled,
}: {
  patientId: string;
  period: StatementPeriod;
  disabled: boolean;
}): ReactNode {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  return (
    <Stack gap="xs">
      <Button
        variant="default"
        leftSection={<IconDownload size={16} aria-hidden />}
        loading={busy}
        disabled={disabled}
        onClick={() => {
          setBusy(true);
          setError(undefined);
          downloadStatementPdf(patientId, period)
            .then(saveFile, setError)
            .finally(() => setBusy(false));
        }}
      >
        Download PDF
      </Button>
      <ProblemAlert error={error} title="The statement could not be downloaded" />
    </Stack>
  );
}

/** The patient's statement of account for a chosen period (the last 12 months at first), and its PDF. */
export function StatementDialog({
  patientId,
  onClose,
}: {
  patientId: string;
  onClose: () => void;
}): ReactNode {
  const [period, setPeriod] = useState<StatementPeriod>(() => defaultStatementPeriod(localToday()));
  const problem = statementPeriodProblem(period);
  const statement = useStatement(patientId, period, problem === undefined);
  return (
    <Modal opened onClose={onClose} title="Statement of account" size="60rem">
      <Stack gap="md">
        <Group align="flex-end" gap="md" wrap="wrap">
          <TextInput
            label="From"
            type="date"
            value={period.from}
            max={period.to || undefined}
            onChange={(event) => setPeriod({ ...period, from: event.currentTarget.value })}
          />
          <TextInput
            label="To"
            type="date"
            value={period.to}
            min={period.from || undefined}
            onChange={(event) => setPeriod({ ...period, to: event.currentTarget.value })}
          />
          <Group ml="auto">
            <StatementPdfButton patientId={patientId} period={period} disabled={problem !== undefined} />
          </Group>
        </Group>
        {problem ? (
          <Text c="red" size="sm" role="alert">
            {problem}
          </Text>
        ) : null}
        {!problem && statement.isPending ? <PageLoader label="Loading the statement" /> : null}
        <ProblemAlert error={statement.error} onRetry={() => void statement.refetch()} />
        {statement.data && !problem ? (
          <>
            <DetailList
              columnWidth="12rem"
              rows={[
                [
                  `Opening balance (${formatDate(statement.data.from)})`,
                  formatCents(statement.data.openingBalanceCents),
                ],
                ['Debits', formatCents(statement.data.totalDebitsCents)],
                ['Credits', formatCents(statement.data.totalCreditsCents)],
                [
                  `Closing balance (${formatDate(statement.data.to)})`,
                  <strong key="closing">{formatCents(statement.data.closingBalanceCents)}</strong>,
                ],
              ]}
            />
            <StatementLines statement={statement.data} />
          </>
        ) : null}
      </Stack>
    </Modal>
  );
}

/** Opens the statement; shown only to roles that may read billing (the route's permission). */
export function StatementButton({ patientId }: { patientId: string }): ReactNode {
  const canRead = useCan('billing:read');
  const [open, setOpen] = useState(false);
  if (!canRead) return null;
  return (
    <>
      <Button variant="default" onClick={() => setOpen(true)}>
        Statement
      </Button>
      {open ? <StatementDialog patientId={patientId} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
