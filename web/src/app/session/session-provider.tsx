import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { isApiError, onSessionEnded, setCsrfToken } from '@/lib/api-client';
import { getCurrentUser, logout } from '@/lib/auth';
import { shouldRetry } from '@/lib/query-client';
import {
  SessionContext,
  type CurrentUser,
  type Session,
  type SessionContextValue,
  type SignOutReason,
} from '@/lib/session';

export const SESSION_QUERY_KEY = ['session'] as const;
/** Other tabs of the same browser share the cookie, so a sign-out in one is a sign-out in all. */
const SIGNED_OUT_STORAGE_KEY = 'medisys:signed-out';
/** The server's default (security.session.idle-timeout=15m), until /auth/me says otherwise. */
const DEFAULT_IDLE_TIMEOUT_SECONDS = 15 * 60;

function toSession(user: CurrentUser): Session {
  return {
    user,
    permissions: new Set(user.permissions ?? []),
    idleTimeoutSeconds: user.sessionIdleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS,
  };
}

/**
 * Who is signed in, for every page: reads /api/v1/auth/me, keeps the CSRF token for writes, and
 * ends the session everywhere (cache cleared, back to the sign-in page) on sign-out, idle timeout
 * or a 401 from any call.
 */
export function SessionProvider({ children }: { children: ReactNode }): ReactNode {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const [signedOut, setSignedOut] = useState(false);
  const [endedBecause, setEndedBecause] = useState<SignOutReason | undefined>(undefined);

  const me = useQuery({
    queryKey: SESSION_QUERY_KEY,
    queryFn: ({ signal }) => getCurrentUser(signal),
    enabled: !signedOut,
    retry: (count, error) => !isApiError(error, 401) && shouldRetry(count, error),
    staleTime: 60_000,
  });

  useEffect(() => {
    setCsrfToken(me.data?.csrfToken);
  }, [me.data?.csrfToken]);

  const endLocally = useCallback(
    (reason: SignOutReason, returnTo?: string) => {
      setCsrfToken(undefined);
      // Patient data must not outlive the session in this tab's memory.
      queryClient.clear();
      setEndedBecause(reason);
      setSignedOut(true);
      void navigate('/sign-in', { replace: true, state: returnTo ? { from: returnTo } : undefined });
    },
    [navigate, queryClient],
  );

  const signOut = useCallback(
    async (reason: SignOutReason) => {
      try {
        await logout();
      } catch {
        // The session may already be gone on the server; signing out locally is what matters.
      }
      try {
        localStorage.setItem(SIGNED_OUT_STORAGE_KEY, `${Date.now()}:${reason}`);
      } catch {
        // Storage can be unavailable (private mode); other tabs then notice on their next call.
      }
      endLocally(reason);
    },
    [endLocally],
  );

  const currentPath = `${location.pathname}${location.search}`;
  useEffect(
    () =>
      onSessionEnded(() => {
        // Only a session that existed can end: the first /auth/me of a signed-out visitor is a 401 too.
        if (!signedOut && queryClient.getQueryData(SESSION_QUERY_KEY) !== undefined) {
          endLocally('expired', currentPath);
        }
      }),
    [endLocally, signedOut, currentPath, queryClient],
  );

  useEffect(() => {
    const onStorage = (event: StorageEvent): void => {
      if (event.key !== SIGNED_OUT_STORAGE_KEY || !event.newValue || signedOut) return;
      const reason = event.newValue.split(':')[1];
      endLocally(reason === 'idle' ? 'idle' : 'user');
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [endLocally, signedOut]);

  const refresh = useCallback(async () => {
    setSignedOut(false);
    setEndedBecause(undefined);
    await queryClient.fetchQuery({
      queryKey: SESSION_QUERY_KEY,
      queryFn: () => getCurrentUser(),
      staleTime: 0,
    });
  }, [queryClient]);

  const value = useMemo<SessionContextValue>(() => {
    const status: SessionContextValue['status'] = signedOut
      ? 'signed-out'
      : me.data
        ? 'signed-in'
        : me.isPending && me.fetchStatus !== 'idle'
          ? 'loading'
          : isApiError(me.error, 401) || !me.error
            ? 'signed-out'
            : 'unavailable';
    return {
      status,
      session: status === 'signed-in' && me.data ? toSession(me.data) : undefined,
      endedBecause,
      problem: status === 'unavailable' && isApiError(me.error) ? me.error.problem : undefined,
      refresh,
      retry: () => void me.refetch(),
      signOut,
    };
  }, [signedOut, me, endedBecause, refresh, signOut]);

  return <SessionContext value={value}>{children}</SessionContext>;
}
