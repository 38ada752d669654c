import { Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { ReactNode } from 'react';
import { PageHeader } from '@/components/ui/page-header';
import { ROLE_LABELS, useSession } from '@/lib/session';
import { ChangePasswordForm } from './change-password-form';
import { MfaSection } from './mfa-section';
import { SessionsSection } from './sessions-section';

function Section({ title, children }: { title: string; children: ReactNode }): ReactNode {
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-label={title}>
      <Title order={2} size="h4" mb="md">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

/** The signed-in user's own settings: password, two-step sign-in, where they are signed in. */
export function AccountPage(): ReactNode {
  const { user } = useSession();
  return (
    <>
      <PageHeader title="My account" description={`${user.username} · ${ROLE_LABELS[user.role]}`} />
      <Stack gap="lg">
        <Section title="Password">
          <Text size="sm" mb="sm" c="dimmed">
            Changing the password signs you out everywhere else.
          </Text>
          <ChangePasswordForm
            onChanged={() => {
              notifications.show({
                color: 'green',
                title: 'Password changed',
                message: 'Use it from now on.',
              });
            }}
          />
        </Section>
        <Section title="Two-step sign-in">
          <MfaSection />
        </Section>
        <Section title="Where you are signed in">
          <SessionsSection />
        </Section>
      </Stack>
    </>
  );
}
