import { Alert, Button, List, Text } from '@mantine/core';
import { IconAlertTriangle } from '@/components/ui/icons';
import type { ReactNode } from 'react';
import { isApiError } from '@/lib/api-client';

/** What went wrong with a call, in the server's words, with the request id to quote to support. */
export function ProblemAlert({
  error,
  title,
  onRetry,
  children,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  children?: ReactNode;
}): ReactNode {
  if (!error) return null;
  const problem = isApiError(error) ? error.problem : undefined;
  const detail = problem?.detail ?? (error instanceof Error ? error.message : 'Something went wrong.');
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconAlertTriangle aria-hidden />}
      title={title ?? problem?.title ?? 'Something went wrong'}
      role="alert"
      mb="md"
    >
      <Text size="sm">{detail}</Text>
      {problem?.errors && problem.errors.length > 0 ? (
        <List size="sm" mt="xs">
          {problem.errors.map((fieldError) => (
            <List.Item key={`${fieldError.field}:${fieldError.message}`}>
              {fieldError.field}: {fieldError.message}
            </List.Item>
          ))}
        </List>
      ) : null}
      {children}
      {problem?.requestId ? (
        <Text size="xs" c="dimmed" mt="xs">
          Request id {problem.requestId}
        </Text>
      ) : null}
      {onRetry ? (
        <Button size="xs" variant="default" mt="sm" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </Alert>
  );
}
