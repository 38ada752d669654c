import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Database } from '../../db/index.js';
import type { Loggers } from '../../observability/logger.js';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.js';
import type { RequestContext, Role } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import { normaliseUsername } from './auth.service.js';
import { generatePassword, hashPassword, passwordProblems } from './passwords.js';
import type { SessionChanges } from './session-cache.js';
import { endUserSessions } from './sessions.repository.js';
import {
  findUserById,
  findUserByUsername,
  INDEFINITE_LOCK,
  insertFirstUser,
  insertUser,
  listUsers,
  updateActive,
  updateLock,
  updatePassword,
  updateRole,
  type UserListFilter,
  type UserRecord,
} from './users.repository.js';

/** A user as shown to administrators: never the hash or the MFA secret. */
export interface UserView {
  readonly id: string;
  readonly username: string;
  readonly displayName: string | null;
  readonly role: Role;
  readonly active: boolean;
  readonly locked: boolean;
  readonly lockedUntil: Date | null;
  readonly mustChangePassword: boolean;
  readonly mfaEnabled: boolean;
  readonly lastLogin: Date | null;
  readonly createdDate: Date;
}

export function toUserView(user: UserRecord): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    active: user.active,
    locked: user.lockedUntil !== null && user.lockedUntil.getTime() > Date.now(),
    lockedUntil: user.lockedUntil && user.lockedUntil < INDEFINITE_LOCK ? user.lockedUntil : null,
    mustChangePassword: user.mustChangePassword,
    mfaEnabled: user.mfaEnabled,
    lastLogin: user.lastLogin,
    createdDate: user.createdDate,
  };
}

const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/;

export interface CreateUserInput {
  readonly username: string;
  readonly password: string;
  readonly role: Role;
  readonly displayName?: string | undefined;
  /** Generated or temporary passwords must be changed at first sign-in. */
  readonly mustChangePassword?: boolean | undefined;
}

/** Staff accounts: creation, roles, locks and password resets, each audited. */
export class UsersService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly loggers: Loggers,
    private readonly sessionChanges: SessionChanges,
  ) {}

  async create(input: CreateUserInput, context: RequestContext): Promise<UserView> {
    const username = normaliseUsername(input.username);
    const problems = [
      ...(USERNAME_PATTERN.test(username)
        ? []
        : [
            {
              field: 'username',
              message: 'must be 2-63 characters: letters, digits, dot, dash or underscore',
            },
          ]),
      ...passwordProblems(input.password, username),
    ];
    if (problems.length > 0) throw new ValidationError('The user cannot be created as given.', problems);
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction(async (tx) => {
      const user = await insertUser(tx, {
        username,
        displayName: input.displayName ?? null,
        role: input.role,
        passwordHash,
        mustChangePassword: input.mustChangePassword ?? false,
      });
      if (!user) throw new ConflictError(`The username ${username} is taken.`);
      await this.audit.record(tx, context, {
        action: 'USER_CREATED',
        entityType: 'user',
        entityId: user.id,
        details: { username, role: input.role },
      });
      return toUserView(user);
    });
  }

  async list(filter: UserListFilter): Promise<{ users: UserView[]; total: number }> {
    const { users, total } = await listUsers(this.db, filter);
    return { users: users.map(toUserView), total };
  }

  async get(userId: string): Promise<UserView> {
    return toUserView(await this.require(userId));
  }

  async findByUsername(username: string): Promise<UserView> {
    const user = await findUserByUsername(this.db, normaliseUsername(username));
    if (!user) throw new NotFoundError(`There is no user named ${normaliseUsername(username)}.`);
    return toUserView(user);
  }

  async setRole(userId: string, role: Role, context: RequestContext): Promise<UserView> {
    const user = await this.require(userId);
    await this.db.transaction(async (tx) => {
      await updateRole(tx, userId, role);
      // A new role means new privileges: sessions opened under the old one end.
      await endUserSessions(tx, userId, 'role changed');
      tx.afterCommit(() => this.sessionChanges.changed(userId));
      await this.audit.record(tx, context, {
        action: 'USER_ROLE_CHANGED',
        entityType: 'user',
        entityId: userId,
        details: { username: user.username, from: user.role, to: role },
      });
    });
    return this.get(userId);
  }

  /** Locks an account until an administrator unlocks it, ending its sessions. */
  async lock(userId: string, context: RequestContext): Promise<UserView> {
    const user = await this.require(userId);
    await this.db.transaction(async (tx) => {
      await updateLock(tx, userId, INDEFINITE_LOCK);
      await endUserSessions(tx, userId, 'account locked');
      tx.afterCommit(() => this.sessionChanges.changed(userId));
      await this.audit.record(tx, context, { action: 'USER_LOCKED', entityType: 'user', entityId: userId });
    });
    this.loggers.security('ACCOUNT_LOCKED', {
      userId,
      username: user.username,
      reason: `locked by ${context.actor?.username ?? 'the medisys command'}`,
      requestId: context.requestId,
    });
    return this.get(userId);
  }

  async unlock(userId: string, context: RequestContext): Promise<UserView> {
    const user = await this.require(userId);
    await this.db.transaction(async (tx) => {
      await updateLock(tx, userId, null);
      tx.afterCommit(() => this.sessionChanges.changed(userId));
      await this.audit.record(tx, context, { action: 'USER_UNLOCKED', entityType: 'user', entityId: userId });
    });
    this.loggers.security('ACCOUNT_UNLOCKED', {
      userId,
      username: user.username,
      reason: `unlocked by ${context.actor?.username ?? 'the medisys command'}`,
      requestId: context.requestId,
    });
    return this.get(userId);
  }

  async setActive(userId: string, active: boolean, context: RequestContext): Promise<UserView> {
    await this.require(userId);
    await this.db.transaction(async (tx) => {
      await updateActive(tx, userId, active);
      if (!active) await endUserSessions(tx, userId, 'account disabled');
      tx.afterCommit(() => this.sessionChanges.changed(userId));
      await this.audit.record(tx, context, {
        action: active ? 'USER_ENABLED' : 'USER_DISABLED',
        entityType: 'user',
        entityId: userId,
      });
    });
    return this.get(userId);
  }

  /**
   * Sets a temporary password (generated when none is given) that must be changed at next sign-in;
   * the user's sessions end. Returns the temporary password to hand over.
   */
  async resetPassword(userId: string, context: RequestContext, password?: string): Promise<string> {
    const user = await this.require(userId);
    const temporary = password ?? generatePassword();
    const problems = passwordProblems(temporary, user.username);
    if (problems.length > 0)
      throw new ValidationError('The password does not meet the password rules.', problems);
    const passwordHash = await hashPassword(temporary);
    await this.db.transaction(async (tx) => {
      await updatePassword(tx, userId, passwordHash, true);
      await updateLock(tx, userId, null);
      await endUserSessions(tx, userId, 'password reset');
      tx.afterCommit(() => this.sessionChanges.changed(userId));
      await this.audit.record(tx, context, {
        action: 'USER_PASSWORD_RESET',
        entityType: 'user',
        entityId: userId,
      });
    });
    return temporary;
  }

  /**
   * CONTRACT §4: on an empty database, creates `admin`. With no configured password a random one is
   * written to <data.dir>/initial-admin-password (0600) and returned so the caller can print it once.
   */
  async ensureBootstrapAdmin(
    configuredPassword: string,
    dataDir: string,
    context: RequestContext,
  ): Promise<
    | { created: false }
    | { created: true; generatedPassword: string | undefined; passwordFile: string | undefined }
  > {
    const generatedPassword = configuredPassword ? undefined : generatePassword();
    const password = configuredPassword || generatedPassword!;
    const problems = passwordProblems(password, 'admin');
    if (problems.length > 0) {
      throw new ValidationError(
        `security.bootstrap.admin-password ${problems.map((problem) => problem.message).join(', ')}.`,
        problems,
      );
    }
    const passwordHash = await hashPassword(password);
    const created = await this.db.transaction(async (tx) => {
      const user = await insertFirstUser(tx, {
        username: 'admin',
        displayName: 'Administrator',
        role: 'admin',
        passwordHash,
        mustChangePassword: generatedPassword !== undefined,
      });
      if (user) {
        await this.audit.record(tx, context, {
          action: 'USER_CREATED',
          entityType: 'user',
          entityId: user.id,
          details: { username: 'admin', role: 'admin', bootstrap: true },
        });
      }
      return user !== undefined;
    });
    if (!created) return { created: false };
    let passwordFile: string | undefined;
    if (generatedPassword) {
      mkdirSync(dataDir, { recursive: true });
      passwordFile = path.join(dataDir, 'initial-admin-password');
      writeFileSync(passwordFile, `${generatedPassword}\n`, { mode: 0o600 });
    }
    return { created: true, generatedPassword, passwordFile };
  }

  private async require(userId: string): Promise<UserRecord> {
    const user = await findUserById(this.db, userId);
    if (!user) throw new NotFoundError('There is no such user.');
    return user;
  }
}
