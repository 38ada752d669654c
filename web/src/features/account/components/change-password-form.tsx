import { Button, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { ReactNode } from 'react';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { isApiError } from '@/lib/api-client';
import { formProblem } from '@/lib/problem';
import { useSession } from '@/lib/session';
import { useChangePassword } from '../api/change-password';

const FIELDS = ['currentPassword', 'newPassword', 'confirmPassword'];

/** Current password, new password twice; the server's rules (length, common, username) come back per field. */
export function ChangePasswordForm({ onChanged }: { onChanged: () => void | Promise<void> }): ReactNode {
  const change = useChangePassword();
  const { user } = useSession();
  const form = useForm({
    mode: 'controlled',
    initialValues: { currentPassword: '', newPassword: '', confirmPassword: '' },
    validate: {
      currentPassword: (value) => (value ? null : 'Enter your current password.'),
      newPassword: (value) =>
        value.length >= 12 ? null : 'Use at least 12 characters; a few words make a good password.',
      confirmPassword: (value, values) =>
        value === values.newPassword ? null : 'The passwords do not match.',
    },
  });

  const submit = form.onSubmit(async (values) => {
    try {
      await change.mutateAsync({ currentPassword: values.currentPassword, newPassword: values.newPassword });
      form.reset();
      await onChanged();
    } catch (error) {
      if (isApiError(error)) form.setErrors(formProblem(error.problem, FIELDS).fieldErrors);
    }
  });

  const { showAlert } = formProblem(change.error?.problem, FIELDS);
  return (
    <form onSubmit={submit} noValidate>
      {/* Lets password managers file the new password under the right account. */}
      <input type="text" name="username" autoComplete="username" value={user.username} readOnly hidden />
      <Stack gap="sm" maw={420}>
        {showAlert ? <ProblemAlert error={change.error} title="The password was not changed" /> : null}
        <PasswordInput
          label="Current password"
          autoComplete="current-password"
          required
          {...form.getInputProps('currentPassword')}
        />
        <PasswordInput
          label="New password"
          description="12 to 128 characters. Not a common password, and not containing your username."
          autoComplete="new-password"
          required
          {...form.getInputProps('newPassword')}
        />
        <PasswordInput
          label="New password again"
          autoComplete="new-password"
          required
          {...form.getInputProps('confirmPassword')}
        />
        <Button type="submit" loading={change.isPending} mt="xs" w="fit-content">
          Change password
        </Button>
      </Stack>
    </form>
  );
}
