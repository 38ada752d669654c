import { createContext, useContext } from 'react';
import type { Problem } from './problem';

export const ROLES = ['admin', 'doctor', 'finance', 'department_head', 'staff'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  admin: 'Administrator',
  doctor: 'Doctor',
  finance: 'Finance',
  department_head: 'Department head',
  staff: 'Front desk staff',
};

/** GET /api/v1/auth/me. */
export interface CurrentUser {
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  readonly displayName?: string | null;
  readonly mustChangePassword: boolean;
  readonly mfaEnrolmentRequired?: boolean;
  readonly mfaEnabled?: boolean;
  readonly csrfToken?: string;
  /** What the role may do, as the server checks it (src/modules/users/permissions.ts). */
  readonly permissions?: readonly string[];
  readonly sessionIdleTimeoutSeconds?: number;
}

export type SignOutReason = 'user' | 'idle' | 'expired';

export interface Session {
  readonly user: CurrentUser;
  readonly permissions: ReadonlySet<string>;
  readonly idleTimeoutSeconds: number;
}

export interface SessionContextValue {
  /** `unavailable`: the server could not be asked (network, 5xx); `problem` says why. */
  readonly status: 'loading' | 'signed-out' | 'signed-in' | 'unavailable';
  readonly session: Session | undefined;
  /** Why the last session ended, for the sign-in page. */
  readonly endedBecause: SignOutReason | undefined;
  readonly problem: Problem | undefined;
  /** Asks the server again after `unavailable`. */
  readonly retry: () => void;
  /** After a successful sign-in (or password change): reads /auth/me again. */
  readonly refresh: () => Promise<void>;
  readonly signOut: (reason: SignOutReason) => Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | undefined>(undefined);

export function useSessionContext(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSessionContext must be used inside the SessionProvider.');
  return value;
}

/** The signed-in session; only for components rendered behind the sign-in guard. */
export function useSession(): Session & Pick<SessionContextValue, 'signOut' | 'refresh'> {
  const context = useSessionContext();
  if (!context.session) throw new Error('useSession is used outside a signed-in page.');
  return { ...context.session, signOut: context.signOut, refresh: context.refresh };
}

/** Whether the signed-in role holds `permission`; the server checks again on every call. */
export function useCan(permission: string): boolean {
  const context = useSessionContext();
  return context.session?.permissions.has(permission) ?? false;
}
