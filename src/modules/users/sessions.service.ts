import type { AppConfig } from '../../config/load.js';
import type { Database } from '../../db/index.js';
import type { Loggers } from '../../observability/logger.js';
import type { Clock } from '../../shared/clock.js';
import { NotFoundError } from '../../shared/errors.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { Authenticated } from './auth.service.js';
import type { SessionChanges } from './session-cache.js';
import { endOwnSession, listOpenSessions, type SessionSummary } from './sessions.repository.js';

export interface OwnSession extends SessionSummary {
  /** The session this request was made with. */
  readonly current: boolean;
}

/** A user's view of their own sessions: where they are signed in, and ending any of them. */
export class SessionsService {
  constructor(
    private readonly db: Database,
    private readonly config: AppConfig,
    private readonly loggers: Loggers,
    private readonly clock: Clock,
    private readonly sessionChanges: SessionChanges,
  ) {}

  async listOwn(authenticated: Authenticated): Promise<OwnSession[]> {
    const sessions = await listOpenSessions(
      this.db,
      authenticated.actor.userId,
      this.config.security.session.idleTimeoutMs,
      this.clock.now(),
    );
    return sessions.map((session) => ({ ...session, current: session.id === authenticated.sessionId }));
  }

  /** Ends one of the caller's own sessions (another device, or this one); 404 for any other id. */
  async revokeOwn(authenticated: Authenticated, sessionId: string, context: RequestContext): Promise<void> {
    const { actor } = authenticated;
    if (!(await endOwnSession(this.db, actor.userId, sessionId, 'revoked by the user'))) {
      throw new NotFoundError('You have no open session with this id.');
    }
    this.sessionChanges.changed(actor.userId);
    this.loggers.security('SESSION_ENDED', {
      userId: actor.userId,
      username: actor.username,
      sessionId,
      clientAddress: context.clientAddress,
      requestId: context.requestId,
      reason: 'revoked by the user',
    });
  }
}
