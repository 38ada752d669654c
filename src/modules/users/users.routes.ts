import { contextOf, type Api } from '../../server/types.js';
import {
  CreateUserBody,
  TemporaryPassword,
  UpdateUserBody,
  UserIdParams,
  UserList,
  UserListQuery,
  UserSchema,
} from './users.schemas.js';
import type { UsersService, UserView } from './users.service.js';

function present(user: UserView): Record<string, unknown> {
  return {
    ...user,
    lockedUntil:
      user.lockedUntil && Number.isFinite(user.lockedUntil.getTime()) ? user.lockedUntil.toISOString() : null,
    lastLogin: user.lastLogin?.toISOString() ?? null,
    createdDate: user.createdDate.toISOString(),
  };
}

export function registerUserRoutes(api: Api, users: UsersService): void {
  const config = { permission: 'users:manage' as const };
  api.get(
    '/api/v1/users',
    {
      config,
      schema: {
        tags: ['users'],
        summary: 'List staff accounts',
        querystring: UserListQuery,
        response: { 200: UserList },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const offset = request.query.offset ?? 0;
      const { users: items, total } = await users.list({ ...request.query, limit, offset });
      return { items: items.map(present) as never, total, limit, offset };
    },
  );

  api.post(
    '/api/v1/users',
    {
      config,
      schema: {
        tags: ['users'],
        summary: 'Create a staff account',
        body: CreateUserBody,
        response: { 201: UserSchema },
      },
    },
    async (request, reply) => {
      const user = await users.create(request.body, contextOf(request));
      return reply.code(201).send(present(user) as never);
    },
  );

  api.get(
    '/api/v1/users/:id',
    {
      config,
      schema: {
        tags: ['users'],
        summary: 'One staff account',
        params: UserIdParams,
        response: { 200: UserSchema },
      },
    },
    async (request) => present(await users.get(request.params.id)) as never,
  );

  api.patch(
    '/api/v1/users/:id',
    {
      // A role change grants privileges: a fresh second factor for administrators with MFA.
      config: { ...config, freshMfa: (request) => (request.body as { role?: unknown })?.role !== undefined },
      schema: {
        tags: ['users'],
        summary: 'Change role, enable/disable, lock/unlock',
        params: UserIdParams,
        body: UpdateUserBody,
        response: { 200: UserSchema },
      },
    },
    async (request) => {
      const context = contextOf(request);
      const { id } = request.params;
      let user = await users.get(id);
      if (request.body.role !== undefined && request.body.role !== user.role) {
        user = await users.setRole(id, request.body.role, context);
      }
      if (request.body.active !== undefined && request.body.active !== user.active) {
        user = await users.setActive(id, request.body.active, context);
      }
      if (request.body.locked !== undefined && request.body.locked !== user.locked) {
        user = request.body.locked ? await users.lock(id, context) : await users.unlock(id, context);
      }
      return present(user) as never;
    },
  );

  api.post(
    '/api/v1/users/:id/reset-password',
    {
      config,
      schema: {
        tags: ['users'],
        summary: 'Set a temporary password that must be changed at next sign-in',
        params: UserIdParams,
        response: { 200: TemporaryPassword },
      },
    },
    async (request) => ({
      temporaryPassword: await users.resetPassword(request.params.id, contextOf(request)),
    }),
  );
}
