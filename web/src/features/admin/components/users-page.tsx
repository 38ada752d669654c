import {
  Badge,
  Button,
  Group,
  Pagination,
  Paper,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { IconPlus, IconSearch } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { formatDateTime } from '@/lib/format';
import { ROLE_LABELS, type Role } from '@/lib/session';
import { useUsers, type UserAccount } from '../api/users';
import { accessReview } from './access-review';
import { CreateUserModal, ROLE_OPTIONS } from './create-user-modal';
import { UserActions } from './user-actions';

const PAGE_SIZE = 25;

function StatusBadges({ user }: { user: UserAccount }): ReactNode {
  return (
    <Group gap={4}>
      {user.active ? (
        <Badge size="sm" variant="light" color="green">
          Active
        </Badge>
      ) : (
        <Badge size="sm" variant="light" color="gray">
          Disabled
        </Badge>
      )}
      {user.locked ? (
        <Badge
          size="sm"
          variant="light"
          color="red"
          title={user.lockedUntil ? `Until ${formatDateTime(user.lockedUntil)}` : undefined}
        >
          Locked{user.lockedUntil ? ` until ${formatDateTime(user.lockedUntil)}` : ''}
        </Badge>
      ) : null}
      {user.mustChangePassword ? (
        <Badge size="sm" variant="light" color="yellow">
          Must change password
        </Badge>
      ) : null}
    </Group>
  );
}

function Accounts(): ReactNode {
  const [typed, setTyped] = useState('');
  const [q] = useDebouncedValue(typed.trim(), 300);
  const [role, setRole] = useState<Role | null>(null);
  const [status, setStatus] = useState<'active' | 'disabled' | 'all'>('all');
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const users = useUsers({
    ...(q ? { q } : {}),
    ...(role ? { role } : {}),
    ...(status === 'all' ? {} : { active: status === 'active' }),
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  });
  const pages = users.data ? Math.max(1, Math.ceil(users.data.total / PAGE_SIZE)) : 1;
  return (
    <Stack gap="md">
      <Paper withBorder p="md" radius="md">
        <Group align="flex-end" gap="md" wrap="wrap">
          <TextInput
            label="Search accounts"
            placeholder="Username or name"
            type="search"
            leftSection={<IconSearch size={16} aria-hidden />}
            value={typed}
            onChange={(event) => {
              setTyped(event.currentTarget.value);
              setPage(1);
            }}
            w={260}
          />
          <Select
            label="Role"
            placeholder="All roles"
            data={ROLE_OPTIONS}
            value={role}
            onChange={(value) => {
              setRole(value);
              setPage(1);
            }}
            clearable
            w={200}
          />
          <Select
            label="Status"
            data={[
              { value: 'all', label: 'All' },
              { value: 'active', label: 'Active' },
              { value: 'disabled', label: 'Disabled' },
            ]}
            value={status}
            onChange={(value) => {
              setStatus(value ?? 'all');
              setPage(1);
            }}
            allowDeselect={false}
            w={150}
          />
          <Button
            ml="auto"
            leftSection={<IconPlus size={16} aria-hidden />}
            onClick={() => setCreating(true)}
          >
            New account
          </Button>
        </Group>
      </Paper>
      {users.isPending ? <PageLoader /> : null}
      <ProblemAlert error={users.error} onRetry={() => void users.refetch()} />
      {users.data && users.data.items.length === 0 ? <EmptyState>No account matches.</EmptyState> : null}
      {users.data && users.data.items.length > 0 ? (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={720}>
            <Table striped verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Account</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Last sign-in</Table.Th>
                  <Table.Th>
                    <Text span size="sm" fw={700}>
                      Actions
                    </Text>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.data.items.map((user) => (
                  <Table.Tr key={user.id} data-testid={`user-row-${user.username}`}>
                    <Table.Td>
                      <Text fw={600} size="sm">
                        {user.username}
                      </Text>
                      {user.displayName ? (
                        <Text size="xs" c="dimmed">
                          {user.displayName}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>{ROLE_LABELS[user.role]}</Table.Td>
                    <Table.Td>
                      <StatusBadges user={user} />
                    </Table.Td>
                    <Table.Td>{user.lastLogin ? formatDateTime(user.lastLogin) : 'Never'}</Table.Td>
                    <Table.Td>
                      <UserActions user={user} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
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
      {creating ? <CreateUserModal onClose={() => setCreating(false)} /> : null}
    </Stack>
  );
}

function AccessReview(): ReactNode {
  const users = useUsers({ active: true, limit: 500, offset: 0 });
  if (users.isPending) return <PageLoader />;
  if (users.isError) return <ProblemAlert error={users.error} onRetry={() => void users.refetch()} />;
  const rows = accessReview(users.data.items, new Date());
  const inactive = rows.filter((row) => row.inactive).length;
  return (
    <Stack gap="sm">
      <Text size="sm">
        {rows.length} active account{rows.length === 1 ? '' : 's'}, most recent sign-in first.{' '}
        <strong>{inactive} unused for more than 90 days</strong>
        {inactive > 0 ? ': disable them unless there is a reason to keep them.' : '.'}
      </Text>
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={640}>
          <Table striped verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Account</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Last sign-in</Table.Th>
                <Table.Th>Days inactive</Table.Th>
                <Table.Th>
                  <Text span size="sm" fw={700}>
                    Actions
                  </Text>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map(({ user, daysInactive, inactive: unused }) => (
                <Table.Tr key={user.id}>
                  <Table.Td>{user.username}</Table.Td>
                  <Table.Td>{ROLE_LABELS[user.role]}</Table.Td>
                  <Table.Td>{user.lastLogin ? formatDateTime(user.lastLogin) : 'Never'}</Table.Td>
                  <Table.Td>
                    {daysInactive}{' '}
                    {unused ? (
                      <Badge size="sm" color="red" variant="light">
                        Inactive over 90 days
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <UserActions user={user} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </Stack>
  );
}

/** Staff accounts and roles, and the periodic access review. */
export function UsersPage(): ReactNode {
  const [tab, setTab] = useState<string | null>('accounts');
  return (
    <>
      <PageHeader title="Users and roles" description="Who may sign in to MediSys, and as what." />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="accounts">Accounts</Tabs.Tab>
          <Tabs.Tab value="review">Access review</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="accounts">
          <Accounts />
        </Tabs.Panel>
        <Tabs.Panel value="review">
          <AccessReview />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
