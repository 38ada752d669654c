import type { UserAccount } from '../api/users';

const DAY_MS = 86_400_000;

export interface AccessReviewRow {
  readonly user: UserAccount;
  /** Whole days since the last sign-in, or since the account was created when it never signed in. */
  readonly daysInactive: number;
  readonly inactive: boolean;
}

/**
 * The access review of the operations manual: every active account by last sign-in (most recent
 * first, never-used last), flagging those unused for more than `inactiveDays`.
 */
export function accessReview(users: readonly UserAccount[], now: Date, inactiveDays = 90): AccessReviewRow[] {
  return users
    .filter((user) => user.active)
    .map((user) => {
      const since = Date.parse(user.lastLogin ?? user.createdDate);
      const daysInactive = Math.max(0, Math.floor((now.getTime() - since) / DAY_MS));
      return { user, daysInactive, inactive: daysInactive > inactiveDays };
    })
    .sort((a, b) => {
      const at = a.user.lastLogin ? Date.parse(a.user.lastLogin) : -Infinity;
      const bt = b.user.lastLogin ? Date.parse(b.user.lastLogin) : -Infinity;
      return bt - at || a.user.username.localeCompare(b.user.username);
    });
}
