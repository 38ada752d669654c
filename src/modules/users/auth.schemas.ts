import { Type } from 'typebox';
import { RoleSchema } from './users.schemas.js';

const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Type.Union([DateTime, Type.Null()]);

/**
 * application/problem+json as every error is sent. `code` is set where a client must act on the reason;
 * the sign-in screens use: MFA_REQUIRED and MFA_INVALID (401 at sign-in; 403 at step-up, disable and
 * recovery-code renewal; 400 when confirming an enrolment), MFA_ENROLMENT_REQUIRED (403: enrol first),
 * MFA_STEP_UP_REQUIRED (403: send a code), CSRF_TOKEN_INVALID (403: send X-CSRF-Token),
 * PASSWORD_CHANGE_REQUIRED (403: change the password first).
 */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String({ description: 'What went wrong and what to do, for people' }),
    code: Type.Optional(
      Type.String({
        description:
          'MFA_REQUIRED, MFA_INVALID, MFA_ENROLMENT_REQUIRED, MFA_STEP_UP_REQUIRED, CSRF_TOKEN_INVALID, PASSWORD_CHANGE_REQUIRED',
      }),
    ),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), {
        description: 'Each invalid field, named as sent, with why',
      }),
    ),
    requestId: Type.Optional(Type.String()),
  },
  { additionalProperties: true, description: 'application/problem+json (RFC 9457)' },
);

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    totp: Type.Optional(
      Type.String({
        maxLength: 32,
        description:
          'The current 6-digit code of the authenticator app, or an unused recovery code; required when the user has MFA on',
      }),
    ),
  },
  { additionalProperties: false },
);

export const SessionUser = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  role: RoleSchema,
  mustChangePassword: Type.Boolean(),
  mfaEnabled: Type.Boolean(),
});

const SessionFlags = {
  csrfToken: Type.String({
    description:
      'Send as the X-CSRF-Token header on every POST, PUT, PATCH and DELETE made with the session cookie (not needed with the bearer token)',
  }),
  mustChangePassword: Type.Boolean({
    description: 'Only POST /api/v1/auth/password (and sign-out) works until the password is changed',
  }),
  mfaEnrolmentRequired: Type.Boolean({
    description:
      'The role requires MFA and it is not on: only /api/v1/auth/mfa, /auth/me, /auth/sessions, /auth/password and sign-out work until enrolled',
  }),
};

export const LoginResponse = Type.Object({
  token: Type.String({ description: 'The bearer token (also set as the HttpOnly session cookie)' }),
  expiresAt: DateTime,
  ...SessionFlags,
  user: SessionUser,
});

export const MeResponse = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  role: RoleSchema,
  mfaEnabled: Type.Boolean(),
  ...SessionFlags,
  sessionId: Type.String({ format: 'uuid' }),
  mfaFreshUntil: Type.Union([DateTime, Type.Null()], {
    description:
      'Until when exports, merges, role changes and break-the-glass need no new code (null: a code is needed, or MFA is off)',
  }),
  permissions: Type.Array(Type.String(), {
    description:
      "What the user's role may do (the web UI shows only these screens); every route checks again",
  }),
  sessionIdleTimeoutSeconds: Type.Integer({
    description: 'security.session.idle-timeout: the session ends after this long without a request',
  }),
});

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    newPassword: Type.String({
      minLength: 1,
      maxLength: 1024,
      description:
        '12 to 128 characters, any characters; not a common password and not containing the username',
    }),
  },
  { additionalProperties: false },
);

export const MfaStatusSchema = Type.Object({
  enabled: Type.Boolean(),
  enrolledAt: NullableDateTime,
  enrolmentRequired: Type.Boolean({ description: 'The role requires MFA and it is not on yet' }),
  pendingEnrolment: Type.Boolean({ description: 'An enrolment was started and awaits its confirming code' }),
  recoveryCodesRemaining: Type.Integer(),
});

export const MfaEnrolmentSchema = Type.Object({
  secret: Type.String({ description: 'Base32 secret, for typing into an app that cannot scan' }),
  otpauthUri: Type.String({ description: 'otpauth://totp/... (SHA1, 6 digits, 30 s)' }),
  qrCodeSvg: Type.String({ description: 'The URI as a QR code, SVG markup' }),
  qrCodeDataUrl: Type.String({ description: 'The same QR code as a data:image/svg+xml URL for an <img>' }),
  expiresAt: Type.String({
    format: 'date-time',
    description: 'Confirm with POST /api/v1/auth/mfa/confirm before this',
  }),
});

export const MfaCodeBody = Type.Object(
  {
    code: Type.String({
      minLength: 1,
      maxLength: 32,
      description: 'The current 6-digit code, or (except when confirming an enrolment) a recovery code',
    }),
  },
  { additionalProperties: false },
);

export const RecoveryCodesSchema = Type.Object({
  recoveryCodes: Type.Array(Type.String(), {
    description: 'Single-use codes for when the phone is lost. Shown this once; only their hashes are kept.',
  }),
});

export const StepUpSchema = Type.Object({
  verifiedUntil: Type.String({
    format: 'date-time',
    description: 'Sensitive actions need no new code until then',
  }),
});

export const OwnSessionSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  createdAt: DateTime,
  lastSeenAt: DateTime,
  expiresAt: DateTime,
  clientAddress: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean({ description: 'The session of this request' }),
});

export const OwnSessionList = Type.Object({ items: Type.Array(OwnSessionSchema) });

export const SessionIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
