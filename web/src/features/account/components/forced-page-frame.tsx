import { Anchor, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { IconHeartbeat } from '@/components/ui/icons';
import { useSession } from '@/lib/session';

/** The frame of the pages the server holds a user to before anything else (password, MFA). */
export function ForcedPageFrame({
  title,
  explanation,
  children,
}: {
  title: string;
  explanation: ReactNode;
  children: ReactNode;
}): ReactNode {
  useDocumentTitle(`${title} · MediSys`);
  const { user, signOut } = useSession();
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={640} radius="md">
        <Stack gap="md">
          <Stack gap={4} align="center">
            <IconHeartbeat size={36} color="var(--mantine-color-blue-8)" aria-hidden />
            <Title order={1} size="h2">
              {title}
            </Title>
            <Text size="sm" c="dimmed">
              Signed in as {user.username}.{' '}
              <Anchor component="button" type="button" size="sm" onClick={() => void signOut('user')}>
                Sign out
              </Anchor>
            </Text>
          </Stack>
          <Text>{explanation}</Text>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}
