import type { RequestContext, Role } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import type { UsersService, UserView } from '../users/index.js';

export interface AccessReviewEntry {
  readonly username: string;
  readonly displayName: string | null;
  readonly role: Role;
  readonly lastLogin: Date | null;
  readonly createdDate: Date;
  /** Whole days since the last sign-in (since creation when there was none). */
  readonly daysInactive: number;
  readonly inactive: boolean;
  readonly locked: boolean;
}

export interface AccessReview {
  readonly generatedAt: Date;
  readonly inactiveDays: number;
  /** Every active account, most recent sign-in first; accounts that never signed in last. */
  readonly activeUsers: readonly AccessReviewEntry[];
  /** Active accounts unused for more than `inactiveDays` (never signed in and older than that counts). */
  readonly inactiveUsers: readonly AccessReviewEntry[];
  /** Accounts this review disabled (with --disable-inactive). */
  readonly disabled: readonly string[];
  /** Inactive accounts left enabled, and why. */
  readonly kept: readonly { readonly username: string; readonly reason: string }[];
}

const DAY_MS = 86_400_000;

function byLastSignIn(a: AccessReviewEntry, b: AccessReviewEntry): number {
  const at = a.lastLogin?.getTime() ?? -Infinity;
  const bt = b.lastLogin?.getTime() ?? -Infinity;
  return bt - at || a.username.localeCompare(b.username);
}

/**
 * The quarterly access review of the operations manual (Access Control Management): who may sign in,
 * when each last did, and which accounts have gone unused. Disabling goes through the users service,
 * so each account disabled is audited (USER_DISABLED) and its sessions end; the review itself is
 * audited too (ACCESS_REVIEW_PERFORMED), as evidence that it was done.
 */
export class AccessReviewService {
  constructor(
    private readonly users: UsersService,
    private readonly audit: AuditTrail,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async review(
    options: { readonly inactiveDays: number; readonly disableInactive: boolean },
    context: RequestContext,
  ): Promise<AccessReview> {
    const generatedAt = this.now();
    const { users } = await this.users.list({ active: true, limit: 1_000_000, offset: 0 });
    const entries = users
      .map((user) => this.entry(user, generatedAt, options.inactiveDays))
      .sort(byLastSignIn);
    const inactive = entries.filter((entry) => entry.inactive);
    const disabled: string[] = [];
    const kept: { username: string; reason: string }[] = [];
    if (options.disableInactive) {
      const keep = this.lastAdministratorToKeep(entries);
      for (const entry of inactive) {
        if (entry.username === keep) {
          kept.push({
            username: entry.username,
            reason: 'the last active administrator (disabling it would leave nobody to manage users)',
          });
          continue;
        }
        const user = users.find((candidate) => candidate.username === entry.username)!;
        await this.users.setActive(user.id, false, context);
        disabled.push(entry.username);
      }
    }
    await this.audit.recordAlone(context, {
      action: 'ACCESS_REVIEW_PERFORMED',
      entityType: 'user',
      details: {
        inactiveDays: options.inactiveDays,
        activeUsers: entries.length,
        inactiveUsers: inactive.map((entry) => entry.username),
        disabled,
      },
    });
    return {
      generatedAt,
      inactiveDays: options.inactiveDays,
      activeUsers: entries,
      inactiveUsers: inactive,
      disabled,
      kept,
    };
  }

  private entry(user: UserView, now: Date, inactiveDays: number): AccessReviewEntry {
    const since = user.lastLogin ?? user.createdDate;
    const idleMs = now.getTime() - new Date(since).getTime();
    return {
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      lastLogin: user.lastLogin,
      createdDate: user.createdDate,
      daysInactive: Math.max(0, Math.floor(idleMs / DAY_MS)),
      inactive: idleMs > inactiveDays * DAY_MS,
      locked: user.locked,
    };
  }

  /** When every active administrator is inactive, the most recently used one stays enabled. */
  private lastAdministratorToKeep(entries: readonly AccessReviewEntry[]): string | undefined {
    const admins = entries.filter((entry) => entry.role === 'admin');
    if (admins.length === 0 || admins.some((admin) => !admin.inactive)) return undefined;
    return admins[0]!.username;
  }
}
