import { Button, Group, Modal, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import type { ReactNode } from 'react';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { isApiError } from '@/lib/api-client';
import { formProblem } from '@/lib/problem';
import { ROLE_LABELS, ROLES, type Role } from '@/lib/session';
import { useCreateUser } from '../api/users';

const FIELDS = ['username', 'displayName', 'role', 'password'];

export const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));

export function CreateUserModal({ onClose }: { onClose: () => void }): ReactNode {
  const create = useCreateUser();
  const form = useForm({
    mode: 'controlled',
    initialValues: { username: '', displayName: '', role: 'staff' as Role, password: '' },
    validate: {
      username: (value) =>
        /^[a-z0-9._-]{2,63}$/i.test(value.trim())
          ? null
          : 'Use 2 to 63 letters, digits, dots, dashes or underscores.',
      password: (value) => (value.length >= 12 ? null : 'Use at least 12 characters.'),
    },
  });
  const submit = form.onSubmit(async (values) => {
    try {
      const user = await create.mutateAsync({
        username: values.username.trim(),
        password: values.password,
        role: values.role,
        ...(values.displayName.trim() ? { displayName: values.displayName.trim() } : {}),
      });
      notifications.show({
        color: 'green',
        title: 'Account created',
        message: `${user.username} can sign in now.`,
      });
      onClose();
    } catch (error) {
      if (isApiError(error)) form.setErrors(formProblem(error.problem, FIELDS).fieldErrors);
    }
  });
  const { showAlert } = formProblem(create.error?.problem, FIELDS);
  return (
    <Modal opened onClose={onClose} title="New staff account">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {showAlert ? <ProblemAlert error={create.error} title="The account was not created" /> : null}
          <TextInput
            label="Username"
            required
            autoComplete="off"
            data-autofocus
            {...form.getInputProps('username')}
          />
          <TextInput label="Full name" autoComplete="off" {...form.getInputProps('displayName')} />
          <Select
            label="Role"
            data={ROLE_OPTIONS}
            allowDeselect={false}
            required
            {...form.getInputProps('role')}
          />
          <PasswordInput
            label="Initial password"
            description="At least 12 characters. Hand it over in person."
            autoComplete="new-password"
            required
            {...form.getInputProps('password')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create account
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
