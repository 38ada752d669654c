export {
  AuthService,
  hashToken,
  normaliseUsername,
  type Authenticated,
  type SignedIn,
} from './auth.service.js';
export { UsersService, toUserView, type UserView, type CreateUserInput } from './users.service.js';
export { roleAllows, ROLE_PERMISSIONS, PERMISSIONS, type Permission } from './permissions.js';
export { registerAuthRoutes } from './auth.routes.js';
export { registerUserRoutes } from './users.routes.js';
export { hashPassword, verifyPassword, passwordProblems, generatePassword } from './passwords.js';
