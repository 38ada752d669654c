import {
  Anchor,
  Badge,
  Button,
  Group,
  Pagination,
  Paper,
  Select,
  Table,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { EmptyState } from '@/components/ui/empty-state';
import { IconPlus } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { formatTime, humanise } from '@/lib/format';
import { useCan } from '@/lib/session';
import { BOARD_REFRESH_MS, useBoard, useDepartmentChoices, type BoardItem } from '../api/admissions';
import { DischargeModal, IdentifyModal } from './admission-actions';
import type { AdmittedState } from './quick-admission-page';
import { describePatient, formatWaiting, isOverTarget, triageLevel, waitingMinutes } from './triage';
import classes from './emergency.module.css';

const PAGE_SIZE = 50;

function TriageBadge({ level }: { level: number }): ReactNode {
  const triage = triageLevel(level);
  return (
    <Badge color={triage.color} variant="filled" tt="none" miw={120}>
      {level} · {triage.label}
    </Badge>
  );
}

function BoardRow({
  item,
  generatedAt,
  isNew,
  canWrite,
  onDischarge,
  onIdentify,
}: {
  item: BoardItem;
  generatedAt: string;
  isNew: boolean;
  canWrite: boolean;
  onDischarge: () => void;
  onIdentify: () => void;
}): ReactNode {
  const minutes = waitingMinutes(item.minutesSinceArrival, generatedAt, Date.now());
  const over = isOverTarget(item.triagePriority, minutes);
  const place = [item.department?.name, item.ward, item.bed ? `bed ${item.bed}` : null].filter(Boolean);
  return (
    <Table.Tr className={isNew ? classes.newRow : undefined} data-testid="board-row">
      <Table.Td>
        <TriageBadge level={item.triagePriority} />
      </Table.Td>
      <Table.Td>
        <Anchor component={Link} to={`/patients/${item.patient.id}`} fw={600}>
          {item.patient.name}
        </Anchor>
        {item.patient.unidentified ? (
          <Badge ml="xs" size="sm" color="grape" variant="light">
            Unidentified
          </Badge>
        ) : null}
        {isNew ? (
          <Badge ml="xs" size="sm" color="blue" variant="light">
            Just admitted
          </Badge>
        ) : null}
        <Text size="xs" c="dimmed">
          {item.patient.mrn} · {humanise(item.patient.sex)}
        </Text>
      </Table.Td>
      <Table.Td>{item.chiefComplaint}</Table.Td>
      <Table.Td>
        <span className={`${classes.waiting} ${over ? classes.overTarget : ''}`}>
          {formatWaiting(minutes)}
          {over ? <VisuallyHidden>, over the target for this level</VisuallyHidden> : null}
        </span>
        <Text size="xs" c="dimmed">
          since {formatTime(item.arrivedAt)}
        </Text>
      </Table.Td>
      <Table.Td>{place.length > 0 ? place.join(', ') : '—'}</Table.Td>
      <Table.Td>{item.doctor?.name ?? '—'}</Table.Td>
      {canWrite ? (
        <Table.Td>
          <Group gap={4} wrap="nowrap">
            {item.patient.unidentified ? (
              <Button
                size="compact-sm"
                variant="light"
                onClick={onIdentify}
                aria-label={`Identify ${describePatient(item.patient)}`}
              >
                Identify
              </Button>
            ) : null}
            <Button
              size="compact-sm"
              variant="subtle"
              color="red"
              onClick={onDischarge}
              aria-label={`Discharge ${describePatient(item.patient)}`}
            >
              Discharge
            </Button>
          </Group>
        </Table.Td>
      ) : null}
    </Table.Tr>
  );
}

/**
 * The live board of open admissions: most urgent first, then longest waiting, refreshed every 30
 * seconds. Waits beyond the level's target stand out.
 */
export function EmergencyBoardPage(): ReactNode {
  const location = useLocation();
  const admittedId = (location.state as AdmittedState | null)?.admittedId;
  const canWrite = useCan('admissions:write');
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [action, setAction] = useState<{ kind: 'discharge' | 'identify'; item: BoardItem } | undefined>(
    undefined,
  );
  const departments = useDepartmentChoices();
  const board = useBoard({ departmentId, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  const pages = board.data ? Math.max(1, Math.ceil(board.data.total / PAGE_SIZE)) : 1;

  return (
    <>
      <PageHeader
        title="Emergency board"
        description="Open admissions, most urgent first and then longest waiting."
        actions={
          canWrite ? (
            <Button component={Link} to="/emergency/admit" leftSection={<IconPlus size={16} aria-hidden />}>
              Admit a patient
            </Button>
          ) : null
        }
      />
      <Paper withBorder p="md" radius="md" mb="md">
        <Group align="flex-end" justify="space-between" gap="md" wrap="wrap">
          <Select
            label="Department"
            placeholder="All departments"
            data={(departments.data?.items ?? []).map((department) => ({
              value: department.id,
              label: `${department.name} (${department.code})`,
            }))}
            value={departmentId}
            onChange={(value) => {
              setDepartmentId(value);
              setPage(1);
            }}
            searchable
            clearable
            w={280}
          />
          <Text size="sm" c="dimmed" data-testid="board-status">
            {board.data
              ? `${board.data.total} open admission${board.data.total === 1 ? '' : 's'} · updated ${formatTime(board.data.generatedAt)}, every ${BOARD_REFRESH_MS / 1000} seconds`
              : ''}
          </Text>
        </Group>
      </Paper>
      {board.isPending ? <PageLoader label="Loading the board" /> : null}
      <ProblemAlert error={board.error} onRetry={() => void board.refetch()} />
      {board.data && board.data.items.length === 0 ? <EmptyState>Nobody is waiting.</EmptyState> : null}
      {board.data && board.data.items.length > 0 ? (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={900}>
            <Table verticalSpacing="sm" aria-label="Open admissions" aria-busy={board.isFetching}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Triage</Table.Th>
                  <Table.Th>Patient</Table.Th>
                  <Table.Th>Complaint</Table.Th>
                  <Table.Th>Waiting</Table.Th>
                  <Table.Th>Where</Table.Th>
                  <Table.Th>Doctor</Table.Th>
                  {canWrite ? (
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  ) : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {board.data.items.map((item) => (
                  <BoardRow
                    key={item.id}
                    item={item}
                    generatedAt={board.data.generatedAt}
                    isNew={item.id === admittedId}
                    canWrite={canWrite}
                    onDischarge={() => setAction({ kind: 'discharge', item })}
                    onIdentify={() => setAction({ kind: 'identify', item })}
                  />
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
            getControlProps={(control) => ({ 'aria-label': `${control} page` })}
            getItemProps={(item) => ({ 'aria-label': `Page ${item}` })}
          />
        </Group>
      ) : null}
      {action?.kind === 'discharge' ? (
        <DischargeModal admission={action.item} onClose={() => setAction(undefined)} />
      ) : null}
      {action?.kind === 'identify' ? (
        <IdentifyModal admission={action.item} onClose={() => setAction(undefined)} />
      ) : null}
    </>
  );
}
