import { Button, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useEffect, type ReactNode } from 'react';
import { Link, isRouteErrorResponse, useRouteError } from 'react-router';

export function NotFound(): ReactNode {
  useDocumentTitle('Page not found · MediSys');
  return (
    <Stack align="flex-start" gap="sm">
      <Title order={1} size="h2">
        Page not found
      </Title>
      <Text>There is no page at this address. It may have moved, or the link may be mistyped.</Text>
      <Button component={Link} to="/">
        Go to the dashboard
      </Button>
    </Stack>
  );
}

export function NotAllowed(): ReactNode {
  useDocumentTitle('Not allowed · MediSys');
  return (
    <Stack align="flex-start" gap="sm">
      <Title order={1} size="h2">
        Not allowed
      </Title>
      <Text>Your role does not give access to this page. Ask an administrator if you need it.</Text>
      <Button component={Link} to="/">
        Go to the dashboard
      </Button>
    </Stack>
  );
}

/** When a page's code fails to load (a new release replaced its file) or a page throws. */
export function RouteError(): ReactNode {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  useEffect(() => {
    // For support: the browser console keeps what happened (no patient data is in these messages).
    // eslint-disable-next-line no-console -- the one place a page's failure is reported
    if (!notFound) console.error('MediSys page error', error);
  }, [error, notFound]);
  if (notFound) return <NotFound />;
  return (
    <Stack align="flex-start" gap="sm" p="xl">
      <Title order={1} size="h2">
        This page could not be shown
      </Title>
      <Text>
        Something went wrong while showing this page. Reloading usually helps; MediSys may have been updated
        since the page was opened.
      </Text>
      {error instanceof Error ? (
        <Text size="sm" c="dimmed">
          Technical detail: {error.message}
        </Text>
      ) : null}
      <Button onClick={() => window.location.reload()}>Reload</Button>
    </Stack>
  );
}
