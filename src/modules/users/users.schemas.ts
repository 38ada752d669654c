import { Type, type Static } from 'typebox';
import { PageQuery } from '../../shared/pagination.js';
import { ROLES } from '../../shared/request-context.js';

export const RoleSchema = Type.Union(
  [
    Type.Literal(ROLES[0]),
    Type.Literal(ROLES[1]),
    Type.Literal(ROLES[2]),
    Type.Literal(ROLES[3]),
    Type.Literal(ROLES[4]),
  ],
  { description: 'admin, doctor, finance, department_head or staff' },
);

export const UserSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  displayName: Type.Union([Type.String(), Type.Null()]),
  role: RoleSchema,
  active: Type.Boolean(),
  locked: Type.Boolean(),
  lockedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  mustChangePassword: Type.Boolean(),
  mfaEnabled: Type.Boolean({ description: 'Multi-factor sign-in is on' }),
  lastLogin: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdDate: Type.String({ format: 'date-time' }),
});

export const CreateUserBody = Type.Object(
  {
    username: Type.String({ minLength: 2, maxLength: 63 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    role: RoleSchema,
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    active: Type.Optional(Type.Boolean()),
    locked: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const UserListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    role: Type.Optional(RoleSchema),
    active: Type.Optional(Type.Boolean()),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const UserList = Type.Object({
  items: Type.Array(UserSchema),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const UserIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const TemporaryPassword = Type.Object({
  temporaryPassword: Type.String({
    description: 'Hand this to the user; it must be changed at first sign-in.',
  }),
});

export type CreateUserBodyType = Static<typeof CreateUserBody>;
