import { Badge, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { formatDateTime } from '@/lib/format';
import { useSession } from '@/lib/session';
import { useDisableMfa, useMfaStatus, useRenewRecoveryCodes } from '../api/mfa';
import { MfaEnrolment, RecoveryCodesList } from './mfa-enrolment';

type CodeAction = 'disable' | 'renew';

function CodePrompt({
  action,
  onClose,
  onCodes,
}: {
  action: CodeAction;
  onClose: () => void;
  onCodes: (codes: readonly string[]) => void;
}): ReactNode {
  const disable = useDisableMfa();
  const renew = useRenewRecoveryCodes();
  const { refresh } = useSession();
  const [code, setCode] = useState('');
  const mutation = action === 'disable' ? disable : renew;
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (action === 'disable') {
      disable.mutate(code.trim(), {
        onSuccess: () => {
          onClose();
          void refresh();
        },
      });
    } else {
      renew.mutate(code.trim(), { onSuccess: (result) => onCodes(result.recoveryCodes) });
    }
  };
  return (
    <Modal
      opened
      onClose={onClose}
      title={action === 'disable' ? 'Turn off two-step sign-in' : 'Replace recovery codes'}
      centered
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <ProblemAlert error={mutation.error} />
          <TextInput
            label="Authentication code"
            description="The current code from your app, or a recovery code."
            autoComplete="one-time-code"
            value={code}
            onChange={(event) => setCode(event.currentTarget.value)}
            required
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button
              type="submit"
              color={action === 'disable' ? 'red' : undefined}
              loading={mutation.isPending}
            >
              {action === 'disable' ? 'Turn off' : 'Replace codes'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Two-step sign-in on the account page: on since when, or the enrolment; recovery codes; turning it off. */
export function MfaSection(): ReactNode {
  const status = useMfaStatus();
  const { refresh } = useSession();
  const [action, setAction] = useState<CodeAction | undefined>(undefined);
  const [renewedCodes, setRenewedCodes] = useState<readonly string[] | undefined>(undefined);

  if (status.isPending) return <PageLoader />;
  if (status.isError) return <ProblemAlert error={status.error} onRetry={() => void status.refetch()} />;
  const mfa = status.data;
  if (renewedCodes)
    return <RecoveryCodesList codes={renewedCodes} onDone={() => setRenewedCodes(undefined)} />;
  if (!mfa.enabled) {
    return (
      <Stack gap="sm">
        <Group gap="xs">
          <Badge color="gray" variant="light">
            Off
          </Badge>
          {mfa.enrolmentRequired ? <Text size="sm">Your role requires two-step sign-in.</Text> : null}
        </Group>
        <MfaEnrolment onEnrolled={() => void refresh()} />
      </Stack>
    );
  }
  return (
    <Stack gap="sm">
      <Group gap="xs">
        <Badge color="green" variant="light">
          On
        </Badge>
        <Text size="sm">Since {formatDateTime(mfa.enrolledAt)}.</Text>
      </Group>
      <Text size="sm">
        {mfa.recoveryCodesRemaining} unused recovery code{mfa.recoveryCodesRemaining === 1 ? '' : 's'} left.
      </Text>
      <Group gap="sm">
        <Button variant="default" onClick={() => setAction('renew')}>
          Replace recovery codes
        </Button>
        <Button variant="default" color="red" onClick={() => setAction('disable')}>
          Turn off
        </Button>
      </Group>
      {action ? (
        <CodePrompt
          action={action}
          onClose={() => setAction(undefined)}
          onCodes={(codes) => {
            setAction(undefined);
            setRenewedCodes(codes);
          }}
        />
      ) : null}
    </Stack>
  );
}
