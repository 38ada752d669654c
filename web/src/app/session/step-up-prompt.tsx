import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, isApiError, setStepUpHandler } from '@/lib/api-client';
import type { Problem } from '@/lib/problem';

interface Pending {
  readonly problem: Problem;
  readonly resolve: (accepted: boolean) => void;
}

/**
 * Answers the server's MFA_STEP_UP_REQUIRED: asks for a current authenticator code, sends it to
 * POST /api/v1/auth/mfa/verify and lets the refused call run again (lib/api-client.ts).
 */
export function StepUpPrompt(): ReactNode {
  const [pending, setPending] = useState<Pending | undefined>(undefined);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [verifying, setVerifying] = useState(false);
  const pendingRef = useRef<Pending | undefined>(undefined);

  useEffect(() => {
    setStepUpHandler(
      (problem) =>
        new Promise<boolean>((resolve) => {
          pendingRef.current?.resolve(false);
          const next = { problem, resolve };
          pendingRef.current = next;
          setCode('');
          setError(undefined);
          setPending(next);
        }),
    );
    return () => setStepUpHandler(undefined);
  }, []);

  const finish = (accepted: boolean): void => {
    pendingRef.current?.resolve(accepted);
    pendingRef.current = undefined;
    setPending(undefined);
  };

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!/^\S{6,32}$/.test(code.trim())) {
      setError('Enter the 6-digit code from your authenticator app, or a recovery code.');
      return;
    }
    setVerifying(true);
    try {
      await api.post('/api/v1/auth/mfa/verify', { code: code.trim() }, { afterStepUp: true });
      finish(true);
    } catch (failure) {
      setError(isApiError(failure) ? failure.problem.detail : 'The code could not be checked. Try again.');
    } finally {
      setVerifying(false);
    }
  };

  return (
    <Modal opened={pending !== undefined} onClose={() => finish(false)} title="Confirm it is you" centered>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack gap="sm">
          <Text size="sm">{pending?.problem.detail}</Text>
          <TextInput
            label="Authentication code"
            description="The current code from your authenticator app, or a recovery code."
            inputMode="numeric"
            autoComplete="one-time-code"
            value={code}
            onChange={(event) => setCode(event.currentTarget.value)}
            error={error}
            data-autofocus
            required
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => finish(false)}>
              Cancel
            </Button>
            <Button type="submit" loading={verifying}>
              Confirm
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
