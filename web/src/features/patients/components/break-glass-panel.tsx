import { Alert, Button, Stack, Text, Textarea } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { IconShieldLock } from '@/components/ui/icons';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { isApiError, type ApiError } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';
import { useCan } from '@/lib/session';
import { useBreakTheGlass } from '../api/care';

/** A 403 because the patient is not in the user's care (not because of the role). */
export function isNotInCare(error: unknown): error is ApiError {
  return isApiError(error, 403) && /not in your care/i.test(error.problem.detail);
}

/**
 * The clinical record of a patient outside the user's care is closed. In an emergency a clinician may
 * break the glass: with a reason, for a limited time, audited and reviewed by an administrator.
 */
export function BreakGlassPanel({ patientId, problem }: { patientId: string; problem: ApiError }): ReactNode {
  const allowed = useCan('clinical:emergency-access');
  const breakGlass = useBreakTheGlass(patientId);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  if (!allowed) return <ProblemAlert error={problem} title="This record is closed to you" />;
  return (
    <Alert
      color="orange"
      variant="light"
      icon={<IconShieldLock aria-hidden />}
      title="This patient is not in your care"
      role="region"
      aria-label="Emergency access"
    >
      <Stack gap="sm">
        <Text size="sm">
          Their clinical record opens to the care team. In an emergency you can open it now (“break the
          glass”): the access is time-limited, every view is recorded, and an administrator reviews the reason
          you give.
        </Text>
        <ProblemAlert error={breakGlass.error} />
        {breakGlass.data ? (
          <Text size="sm" role="status">
            Access granted until {formatDateTime(breakGlass.data.expiresAt)}.
          </Text>
        ) : null}
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const text = reason.trim();
            if (text.length < 10 || text.length > 500) {
              setError('Describe the emergency in 10 to 500 characters.');
              return;
            }
            setError(undefined);
            breakGlass.mutate(text);
          }}
        >
          <Stack gap="sm" maw={560}>
            <Textarea
              label="Reason for emergency access"
              description="Who needs the record now and why (10 to 500 characters)."
              autosize
              minRows={2}
              required
              value={reason}
              onChange={(event) => setReason(event.currentTarget.value)}
              error={error}
            />
            <Button type="submit" color="orange" loading={breakGlass.isPending} w="fit-content">
              Break the glass and open the record
            </Button>
          </Stack>
        </form>
      </Stack>
    </Alert>
  );
}
