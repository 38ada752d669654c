import { Alert, Button, Code, Group, Image, List, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { formatDateTime } from '@/lib/format';
import { useBeginMfaEnrolment, useConfirmMfaEnrolment } from '../api/mfa';

/** The codes shown once after enrolment or renewal; the user must confirm they kept them. */
export function RecoveryCodesList({
  codes,
  onDone,
}: {
  codes: readonly string[];
  onDone: () => void;
}): ReactNode {
  return (
    <Alert color="blue" variant="light" title="Save your recovery codes" role="status">
      <Text size="sm" mb="xs">
        Each code signs you in once if you lose your phone. They are shown only now: print them or keep them
        somewhere safe, away from your phone.
      </Text>
      <List size="sm" mb="sm" data-testid="recovery-codes">
        {codes.map((code) => (
          <List.Item key={code}>
            <Code>{code}</Code>
          </List.Item>
        ))}
      </List>
      <Button onClick={onDone}>I have saved these codes</Button>
    </Alert>
  );
}

/**
 * Turning MFA on: a new secret as a QR code (and as text for apps that cannot scan), then a code from
 * the app to prove it was set up, then the recovery codes.
 */
export function MfaEnrolment({ onEnrolled }: { onEnrolled: () => void | Promise<void> }): ReactNode {
  const begin = useBeginMfaEnrolment();
  const confirm = useConfirmMfaEnrolment();
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | undefined>(undefined);
  const recoveryCodes = confirm.data?.recoveryCodes;

  if (recoveryCodes) return <RecoveryCodesList codes={recoveryCodes} onDone={() => void onEnrolled()} />;

  if (!begin.data) {
    return (
      <Stack gap="sm" align="flex-start">
        <ProblemAlert error={begin.error} />
        <Text size="sm">
          You will need an authenticator app on your phone (for example FreeOTP, Google Authenticator or
          Microsoft Authenticator).
        </Text>
        <Button onClick={() => begin.mutate()} loading={begin.isPending}>
          Set up the authenticator app
        </Button>
      </Stack>
    );
  }

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!/^\d{6}$/.test(code.trim())) {
      setCodeError('Enter the 6-digit code the app shows.');
      return;
    }
    setCodeError(undefined);
    confirm.mutate(code.trim(), {
      onError: (error) => setCodeError(error.problem.detail),
    });
  };

  return (
    <Stack gap="md">
      <Group align="flex-start" gap="lg" wrap="wrap">
        <Paper withBorder p="xs" radius="sm">
          <Image
            src={begin.data.qrCodeDataUrl}
            alt="QR code to scan with your authenticator app"
            w={200}
            h={200}
            data-testid="mfa-qr-code"
          />
        </Paper>
        <Stack gap="xs" maw={420}>
          <Text size="sm">1. In the authenticator app, add an account and scan this QR code.</Text>
          <Text size="sm">
            If the app cannot scan, type this key instead:{' '}
            <Code data-testid="mfa-secret" fz="sm">
              {begin.data.secret}
            </Code>
          </Text>
          <Text size="sm">2. Enter the 6-digit code the app now shows.</Text>
          <Text size="xs" c="dimmed">
            Confirm before {formatDateTime(begin.data.expiresAt)}.
          </Text>
        </Stack>
      </Group>
      <form onSubmit={submit} noValidate>
        <Group align="flex-end" gap="sm">
          <TextInput
            label="Code from the app"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={code}
            onChange={(event) => setCode(event.currentTarget.value)}
            error={codeError}
            required
          />
          <Button type="submit" loading={confirm.isPending}>
            Turn on
          </Button>
        </Group>
      </form>
    </Stack>
  );
}
