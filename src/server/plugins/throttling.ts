import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiDecision, SignInOutcome, SignInTicket, Throttling } from '../../modules/throttling/index.js';
import { normaliseUsername } from '../../modules/users/index.js';
import type { Loggers } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { sendProblem } from '../error-handler.js';
import type { Api } from '../types.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A route that checks a password or a second factor: the sign-in throttle counts its 401 and 423
     * answers as failed attempts (by `body.username` when it has one, else by address only).
     */
    signIn?: boolean;
  }
  interface FastifyRequest {
    signInTicket: SignInTicket | undefined;
    signInOutcome: SignInOutcome | undefined;
  }
}

export interface ThrottlingDependencies {
  readonly throttling: Throttling;
  readonly metrics: Metrics;
  readonly loggers: Loggers;
}

const LOGIN_ROUTE = '/api/v1/auth/login';

function isSignInRoute(request: FastifyRequest): boolean {
  return (
    request.routeOptions.config.signIn === true ||
    (request.method === 'POST' && request.routeOptions.url === LOGIN_ROUTE)
  );
}

function typedUsername(body: unknown): string | undefined {
  const username = (body as { username?: unknown } | null | undefined)?.username;
  return typeof username === 'string' && username.trim() !== '' ? normaliseUsername(username) : undefined;
}

/** 401 MFA_REQUIRED means the password was right and the client only has to ask for the code. */
function outcomeOf(status: number, payload: unknown): SignInOutcome {
  if (status >= 200 && status < 300) return 'succeeded';
  if (status === 423) return 'failed';
  if (status === 401) {
    return typeof payload === 'string' && payload.includes('"code":"MFA_REQUIRED"')
      ? 'not-a-credential-check'
      : 'failed';
  }
  return 'not-a-credential-check';
}

/**
 * The sign-in and API throttles as hooks (docs/decisions/throttling-and-lockout.md). Register before the
 * authentication plugin: the per-address API count then covers requests that fail authentication too.
 * When neither Redis nor PostgreSQL can count, requests are let through (fail open): the account
 * lockout is in the database and still holds, and a request that needs the database fails anyway.
 */
export function registerThrottling(api: Api, dependencies: ThrottlingDependencies): void {
  const { throttling, metrics, loggers } = dependencies;
  api.decorateRequest('signInTicket', undefined);
  api.decorateRequest('signInOutcome', undefined);

  const guarded = async <T>(work: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      metrics.throttleStoreFailures.inc({ store: 'all' });
      loggers.app.warn(
        { err: { message: (error as Error).message } },
        'throttle: no store could count; request let through',
      );
      return fallback;
    }
  };
  const refuse = (reply: FastifyReply, decision: Exclude<ApiDecision, { allowed: true }>): FastifyReply => {
    metrics.throttledRequests.inc({ scope: decision.scope });
    return tooManyRequests(reply, decision.retryAfterSeconds, 'Too many requests. Slow down and try again.');
  };

  api.addHook('onRequest', async (request, reply) => {
    if (!request.routeOptions.url?.startsWith('/api/v1')) return;
    const decision = await guarded(() => throttling.api.hitAddress(request.ip), { allowed: true } as const);
    if (!decision.allowed) return refuse(reply, decision);
  });

  api.addHook('preHandler', async (request, reply) => {
    if (!request.routeOptions.url?.startsWith('/api/v1')) return;
    if (isSignInRoute(request)) {
      const decision = await guarded(
        () =>
          throttling.signIn.begin({
            account: typedUsername(request.body),
            clientAddress: request.ip,
            requestId: request.id,
          }),
        undefined,
      );
      if (!decision) return;
      if (!decision.allowed) {
        return tooManyRequests(
          reply,
          decision.retryAfterSeconds,
          `Too many failed sign-ins from this computer. Try again in ${Math.ceil(decision.retryAfterSeconds / 60)} minute(s), or sign in from another computer.`,
        );
      }
      request.signInTicket = decision.ticket;
      return;
    }
    const userId = request.auth?.actor.userId;
    if (!userId) return;
    const decision = await guarded(() => throttling.api.hitUser(userId), { allowed: true } as const);
    if (!decision.allowed) return refuse(reply, decision);
  });

  api.addHook('onSend', async (request, reply, payload) => {
    if (request.signInTicket) request.signInOutcome = outcomeOf(reply.statusCode, payload);
    return payload;
  });

  api.addHook('onResponse', async (request) => {
    const ticket = request.signInTicket;
    if (!ticket) return;
    const outcome = request.signInOutcome ?? 'failed';
    await guarded(() => throttling.signIn.settle(ticket, outcome), undefined);
  });
}

function tooManyRequests(reply: FastifyReply, retryAfterSeconds: number, detail: string): FastifyReply {
  void reply.header('retry-after', String(retryAfterSeconds));
  return sendProblem(reply, { status: 429, title: 'Too many requests', detail });
}
