import { Badge, Button, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { formatDateTime } from '@/lib/format';
import { useSession } from '@/lib/session';
import { useEndOwnSession, useOwnSessions } from '../api/sessions';

/** A short description of a browser from its user agent: enough to recognise one's own devices. */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return 'Unknown browser';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : userAgent.split(/[ /]/)[0] || 'Unknown browser';
  const system = /Windows/.test(userAgent)
    ? 'Windows'
    : /Android/.test(userAgent)
      ? 'Android'
      : /iPhone|iPad/.test(userAgent)
        ? 'iOS'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : undefined;
  return system ? `${browser} on ${system}` : browser;
}

/** Where the user is signed in, with a way to sign any of them out. */
export function SessionsSection(): ReactNode {
  const sessions = useOwnSessions();
  const end = useEndOwnSession();
  const { signOut } = useSession();
  if (sessions.isPending) return <PageLoader />;
  if (sessions.isError)
    return <ProblemAlert error={sessions.error} onRetry={() => void sessions.refetch()} />;
  return (
    <>
      <ProblemAlert error={end.error} />
      <Table.ScrollContainer minWidth={600}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Browser</Table.Th>
              <Table.Th>Address</Table.Th>
              <Table.Th>Signed in</Table.Th>
              <Table.Th>Last active</Table.Th>
              <Table.Th>
                <Text span size="sm" fw={700}>
                  Action
                </Text>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sessions.data.items.map((session) => (
              <Table.Tr key={session.id}>
                <Table.Td>
                  {describeUserAgent(session.userAgent)}{' '}
                  {session.current ? (
                    <Badge size="sm" variant="light">
                      This browser
                    </Badge>
                  ) : null}
                </Table.Td>
                <Table.Td>{session.clientAddress ?? '—'}</Table.Td>
                <Table.Td>{formatDateTime(session.createdAt)}</Table.Td>
                <Table.Td>{formatDateTime(session.lastSeenAt)}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="default"
                    loading={end.isPending && end.variables === session.id}
                    onClick={() => (session.current ? void signOut('user') : end.mutate(session.id))}
                  >
                    Sign out
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
