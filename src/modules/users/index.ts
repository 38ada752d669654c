export {
  AuthService,
  csrfTokenFor,
  hashToken,
  normaliseUsername,
  type Authenticated,
  type SignedIn,
} from './auth.service.js';
export { UsersService, toUserView, type UserView, type CreateUserInput } from './users.service.js';
export { MfaService, type MfaStatus, type Enrolment } from './mfa.service.js';
export { SessionsService, type OwnSession } from './sessions.service.js';
export { SessionCache, SESSION_CHANGES_CHANNEL, type SessionChanges } from './session-cache.js';
export { FailedAttempts } from './failed-attempts.js';
export { roleAllows, ROLE_PERMISSIONS, PERMISSIONS, type Permission } from './permissions.js';
export { registerAuthRoutes } from './auth.routes.js';
export { registerMfaRoutes } from './mfa.routes.js';
export { registerUserRoutes } from './users.routes.js';
export { hashPassword, verifyPassword, passwordProblems, generatePassword } from './passwords.js';
export { clearSoftLockout, isSoftLock } from './soft-lockout.js';
