import { Center, Container } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { useCan, useSessionContext } from '@/lib/session';
import { NotAllowed } from '../not-found';

const HOLD_PATHS = { password: '/change-password', mfa: '/set-up-mfa' } as const;

/** What the server holds the user to before anything else: a new password first, then MFA enrolment. */
export function heldAt(user: {
  mustChangePassword: boolean;
  mfaEnrolmentRequired?: boolean;
}): 'password' | 'mfa' | undefined {
  if (user.mustChangePassword) return 'password';
  if (user.mfaEnrolmentRequired) return 'mfa';
  return undefined;
}

/**
 * Signed-in pages: the sign-in page for everyone else (coming back here afterwards). A user the
 * server holds to a password change or an MFA enrolment sees only that page (`holdPage`) until done.
 */
export function RequireSession({ holdPage }: { holdPage?: 'password' | 'mfa' }): ReactNode {
  const { status, session, problem, retry } = useSessionContext();
  const location = useLocation();
  if (status === 'loading') return <PageLoader label="Checking your session" />;
  if (status === 'unavailable') {
    return (
      <Container size="sm" py="xl">
        <ProblemAlert
          error={new Error(problem?.detail ?? 'MediSys cannot be reached. Check the network connection.')}
          title="MediSys cannot be reached"
          onRetry={retry}
        />
      </Container>
    );
  }
  if (status === 'signed-out' || !session) {
    return <Navigate to="/sign-in" replace state={{ from: `${location.pathname}${location.search}` }} />;
  }
  const required = heldAt(session.user);
  if (required !== holdPage) return <Navigate to={required ? HOLD_PATHS[required] : '/'} replace />;
  return <Outlet />;
}

/** A screen for roles holding `permission`; a clear refusal for the others (the server refuses too). */
export function RequirePermission({ permission }: { permission: string }): ReactNode {
  const allowed = useCan(permission);
  return allowed ? (
    <Outlet />
  ) : (
    <Center>
      <NotAllowed />
    </Center>
  );
}
