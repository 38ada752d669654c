import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pino, type DestinationStream, type Logger } from 'pino';

/** Fields that must never reach a log line, wherever they appear. */
const REDACTED_PATHS = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'totp',
  'recoveryCodes',
  'secret',
  'csrfToken',
  'req.headers["x-mfa-code"]',
  'req.headers["x-csrf-token"]',
  '*.password',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

export type SecurityEventType =
  | 'AUTHENTICATION_FAILED'
  | 'AUTHENTICATION_SUCCEEDED'
  | 'ACCOUNT_LOCKED'
  | 'ACCOUNT_UNLOCKED'
  | 'ACCESS_DENIED'
  | 'PRIVILEGE_ESCALATION'
  | 'BREAK_THE_GLASS'
  | 'PASSWORD_CHANGED'
  | 'SESSION_ENDED'
  | 'CSRF_TOKEN_INVALID'
  | 'MFA_REQUIRED'
  | 'MFA_ENABLED'
  | 'MFA_DISABLED'
  | 'MFA_VERIFIED'
  | 'MFA_RECOVERY_CODE_USED'
  | 'BRUTE_FORCE'
  | 'SQL_INJECTION'
  | 'XSS_ATTEMPT';

/** Who did what from where, without any clinical detail. */
export interface SecurityEventFields {
  readonly username?: string | undefined;
  readonly userId?: string | undefined;
  readonly role?: string | undefined;
  readonly clientAddress?: string | undefined;
  readonly requestId?: string | undefined;
  readonly route?: string | undefined;
  readonly reason?: string | undefined;
  readonly [field: string]: unknown;
}

export interface Loggers {
  /** application.log: JSON lines, also on stdout when logging.console is true. */
  readonly app: Logger;
  /** security.log: one line per security event, the event type as a whole word in `event`. */
  security(event: SecurityEventType, fields: SecurityEventFields): void;
  /** audit.log: one line per audit event, mirroring audit_events. */
  readonly audit: Logger;
  close(): Promise<void>;
}

export interface LoggerOptions {
  readonly dir: string;
  readonly level: string;
  readonly console: boolean;
  /**
   * Write each line before the call returns. Off in production (a line goes to the file from libuv's
   * thread pool, behind any password hashing there); tests turn it on to read a line they just caused.
   */
  readonly sync?: boolean;
}

function fileDestination(
  file: string,
  sync: boolean,
): DestinationStream & { flushSync(): void; end(): void } {
  return pino.destination({ dest: file, mkdir: true, sync });
}

export function createLoggers(options: LoggerOptions): Loggers {
  mkdirSync(options.dir, { recursive: true, mode: 0o750 });
  const sync = options.sync ?? false;
  const appFile = fileDestination(path.join(options.dir, 'application.log'), sync);
  const securityFile = fileDestination(path.join(options.dir, 'security.log'), sync);
  const auditFile = fileDestination(path.join(options.dir, 'audit.log'), sync);
  const base = {
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const appStream = options.console
    ? pino.multistream([{ stream: appFile }, { stream: process.stdout }])
    : appFile;
  const app = pino({ ...base, level: options.level, base: { service: 'medisys' } }, appStream);
  const security = pino({ ...base, base: { log: 'security' } }, securityFile);
  const audit = pino({ ...base, base: { log: 'audit' } }, auditFile);
  return {
    app,
    security(event, fields): void {
      security.info({ event, ...fields }, event);
    },
    audit,
    async close(): Promise<void> {
      for (const destination of [appFile, securityFile, auditFile]) {
        try {
          destination.flushSync();
        } catch {
          // Not yet open (nothing written): nothing to flush.
        }
        destination.end();
      }
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}
