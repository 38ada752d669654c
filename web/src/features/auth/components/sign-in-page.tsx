import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDocumentTitle } from '@mantine/hooks';
import { IconHeartbeat, IconLock } from '@/components/ui/icons';
import { useState, type ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { setCsrfToken } from '@/lib/api-client';
import { useSessionContext, type SignOutReason } from '@/lib/session';
import { useLogin } from '../api/login';
import { signInOutcome } from './sign-in-outcome';

const ENDED_MESSAGES: Readonly<Record<SignOutReason, string>> = {
  user: 'You have signed out.',
  idle: 'You were signed out automatically after a period without activity, to protect patient information. Sign in again to continue.',
  expired: 'Your session has ended. Sign in again to continue.',
};

function returnPath(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') ? from : '/';
}

/** Sign-in with username and password, then the authenticator code when the account has MFA. */
export function SignInPage(): ReactNode {
  useDocumentTitle('Sign in · MediSys');
  const { status, endedBecause, refresh } = useSessionContext();
  const navigate = useNavigate();
  const location = useLocation();
  const login = useLogin();
  const [needsCode, setNeedsCode] = useState(false);
  const form = useForm({
    mode: 'controlled',
    initialValues: { username: '', password: '', totp: '' },
    validate: {
      username: (value) => (value.trim() ? null : 'Enter your username.'),
      password: (value) => (value ? null : 'Enter your password.'),
      totp: (value) => (!needsCode || /^\d{6,8}$/.test(value.trim()) ? null : 'Enter the 6-digit code.'),
    },
  });

  if (status === 'signed-in') return <Navigate to={returnPath(location.state)} replace />;

  const submit = form.onSubmit(async (values) => {
    try {
      const result = await login.mutateAsync({
        username: values.username.trim(),
        password: values.password,
        ...(needsCode ? { totp: values.totp.trim() } : {}),
      });
      setCsrfToken(result.csrfToken);
      await refresh();
      void navigate(returnPath(location.state), { replace: true });
    } catch (error) {
      if (signInOutcome(error) === 'mfa-required') {
        setNeedsCode(true);
        login.reset();
      }
    }
  });

  const outcome = login.error ? signInOutcome(login.error) : undefined;
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={420} radius="md">
        <Stack gap="md">
          <Stack gap={4} align="center">
            <IconHeartbeat size={40} color="var(--mantine-color-blue-8)" aria-hidden />
            <Title order={1} size="h2">
              Sign in to MediSys
            </Title>
          </Stack>
          {endedBecause && !login.error ? (
            <Alert color={endedBecause === 'user' ? 'blue' : 'orange'} variant="light" role="status">
              {ENDED_MESSAGES[endedBecause]}
            </Alert>
          ) : null}
          {outcome === 'locked' ? (
            <Alert
              color="red"
              variant="light"
              icon={<IconLock aria-hidden />}
              title="Account locked"
              role="alert"
            >
              <Text size="sm">{login.error?.problem.detail}</Text>
              <Text size="sm" mt="xs">
                Wait until the lock ends, or ask an administrator to unlock the account.
              </Text>
              {!needsCode ? (
                <Button
                  variant="light"
                  color="red"
                  size="xs"
                  mt="sm"
                  onClick={() => {
                    setNeedsCode(true);
                    login.reset();
                  }}
                >
                  I have an authenticator app: sign in with a code
                </Button>
              ) : null}
            </Alert>
          ) : login.error && outcome !== 'mfa-required' ? (
            <ProblemAlert error={login.error} title="Sign-in failed" />
          ) : null}
          <form onSubmit={submit} noValidate>
            <Stack gap="sm">
              <TextInput
                label="Username"
                autoComplete="username"
                required
                autoFocus={!needsCode}
                readOnly={needsCode}
                {...form.getInputProps('username')}
              />
              <PasswordInput
                label="Password"
                autoComplete="current-password"
                required
                readOnly={needsCode}
                {...form.getInputProps('password')}
              />
              {needsCode ? (
                <TextInput
                  label="Authentication code"
                  description="The 6-digit code from your authenticator app."
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={8}
                  required
                  autoFocus
                  {...form.getInputProps('totp')}
                />
              ) : null}
              <Button type="submit" loading={login.isPending} fullWidth mt="xs">
                {needsCode ? 'Verify and sign in' : 'Sign in'}
              </Button>
              {needsCode ? (
                <Button
                  variant="subtle"
                  onClick={() => {
                    setNeedsCode(false);
                    form.setFieldValue('totp', '');
                    login.reset();
                  }}
                >
                  Use a different account
                </Button>
              ) : null}
            </Stack>
          </form>
        </Stack>
      </Paper>
    </Center>
  );
}
