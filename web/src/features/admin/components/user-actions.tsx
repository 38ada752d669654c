import { ActionIcon, Alert, Button, Code, Group, Menu, Modal, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type ReactNode } from 'react';
import { IconDots } from '@/components/ui/icons';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { ROLE_LABELS, useSession, type Role } from '@/lib/session';
import {
  useResetMfa,
  useResetPassword,
  useUpdateUser,
  type UserAccount,
  type UserChange,
} from '../api/users';
import { ROLE_OPTIONS } from './create-user-modal';

type Dialog = 'role' | 'reset-password' | 'reset-mfa';

function RoleDialog({ user, onClose }: { user: UserAccount; onClose: () => void }): ReactNode {
  const update = useUpdateUser();
  const [role, setRole] = useState<Role>(user.role);
  return (
    <Modal opened onClose={onClose} title={`Role of ${user.username}`}>
      <Stack gap="sm">
        <ProblemAlert error={update.error} title="The role was not changed" />
        <Select
          label="Role"
          data={ROLE_OPTIONS}
          value={role}
          onChange={(value) => value && setRole(value)}
          allowDeselect={false}
        />
        <Text size="sm" c="dimmed">
          The change is audited and takes effect on the user&apos;s next request.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            loading={update.isPending}
            disabled={role === user.role}
            onClick={() => update.mutate({ id: user.id, change: { role } }, { onSuccess: onClose })}
          >
            Change role
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ResetPasswordDialog({ user, onClose }: { user: UserAccount; onClose: () => void }): ReactNode {
  const reset = useResetPassword();
  return (
    <Modal opened onClose={onClose} title={`Reset the password of ${user.username}`}>
      <Stack gap="sm">
        <ProblemAlert error={reset.error} />
        {reset.data ? (
          <Alert color="blue" variant="light" title="Temporary password" role="status">
            <Code fz="md" data-testid="temporary-password">
              {reset.data.temporaryPassword}
            </Code>
            <Text size="sm" mt="xs">
              Give it to {user.username} in person. They must choose their own at the next sign-in. It is not
              shown again.
            </Text>
          </Alert>
        ) : (
          <Text size="sm">
            {user.username} gets a temporary password and is signed out everywhere. They must change it when
            they sign in.
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {reset.data ? 'Done' : 'Cancel'}
          </Button>
          {reset.data ? null : (
            <Button color="red" loading={reset.isPending} onClick={() => reset.mutate(user.id)}>
              Reset password
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}

function ResetMfaDialog({ user, onClose }: { user: UserAccount; onClose: () => void }): ReactNode {
  const reset = useResetMfa();
  return (
    <Modal opened onClose={onClose} title={`Reset two-step sign-in of ${user.username}`}>
      <Stack gap="sm">
        <ProblemAlert error={reset.error} />
        <Text size="sm">
          For a lost phone: two-step sign-in is turned off for {user.username} and their sessions end. If
          their role requires it, they set it up again at their next sign-in.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={reset.isPending}
            onClick={() =>
              reset.mutate(user.id, {
                onSuccess: () => {
                  notifications.show({
                    color: 'green',
                    title: 'Two-step sign-in reset',
                    message: user.username,
                  });
                  onClose();
                },
              })
            }
          >
            Reset
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The row menu of an account: role, lock, enable, password and MFA resets. */
export function UserActions({ user }: { user: UserAccount }): ReactNode {
  const { user: me } = useSession();
  const update = useUpdateUser();
  const [dialog, setDialog] = useState<Dialog | undefined>(undefined);
  const self = me.id === user.id;
  const change = (next: UserChange, done: string): void =>
    update.mutate(
      { id: user.id, change: next },
      {
        onSuccess: () => notifications.show({ color: 'green', title: done, message: user.username }),
        onError: (error) =>
          notifications.show({ color: 'red', title: 'Not changed', message: error.problem.detail }),
      },
    );
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={`Actions for ${user.username}`}
            loading={update.isPending}
          >
            <IconDots size={18} aria-hidden />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => setDialog('role')} disabled={self}>
            Change role ({ROLE_LABELS[user.role]})
          </Menu.Item>
          {user.locked ? (
            <Menu.Item onClick={() => change({ locked: false }, 'Account unlocked')}>Unlock</Menu.Item>
          ) : (
            <Menu.Item onClick={() => change({ locked: true }, 'Account locked')} disabled={self}>
              Lock
            </Menu.Item>
          )}
          {user.active ? (
            <Menu.Item onClick={() => change({ active: false }, 'Account disabled')} disabled={self}>
              Disable
            </Menu.Item>
          ) : (
            <Menu.Item onClick={() => change({ active: true }, 'Account enabled')}>Enable</Menu.Item>
          )}
          <Menu.Divider />
          <Menu.Item onClick={() => setDialog('reset-password')} disabled={self}>
            Reset password…
          </Menu.Item>
          <Menu.Item onClick={() => setDialog('reset-mfa')} disabled={self}>
            Reset two-step sign-in…
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {dialog === 'role' ? <RoleDialog user={user} onClose={() => setDialog(undefined)} /> : null}
      {dialog === 'reset-password' ? (
        <ResetPasswordDialog user={user} onClose={() => setDialog(undefined)} />
      ) : null}
      {dialog === 'reset-mfa' ? <ResetMfaDialog user={user} onClose={() => setDialog(undefined)} /> : null}
    </>
  );
}
