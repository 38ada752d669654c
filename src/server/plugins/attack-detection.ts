import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Loggers } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Api } from '../types.js';
import { detectAttacks, type AttackType } from './attack-patterns.js';

/** Fields holding secrets are never inspected: a hash of a password in a log line could be cracked offline. */
const SECRET_FIELD = /pass(?:word|phrase)?|token|secret|totp|otp|recovery|csrf|api[-_]?key|authorization/i;
/** At most this many strings are inspected per request, and at most this many lines written. */
const MAX_STRINGS = 500;
const MAX_REPORTS = 10;

interface Finding {
  readonly type: AttackType;
  readonly rule: string;
  readonly field: string;
  readonly payloadSha256: string;
}

function collect(value: unknown, field: string, findings: Finding[], budget: { strings: number }): void {
  if (budget.strings <= 0 || findings.length >= MAX_REPORTS) return;
  if (typeof value === 'string') {
    budget.strings--;
    for (const match of detectAttacks(value)) {
      if (findings.length >= MAX_REPORTS) return;
      findings.push({
        ...match,
        field,
        payloadSha256: createHash('sha256').update(value).digest('hex'),
      });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => collect(item, `${field}.${index}`, findings, budget));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (SECRET_FIELD.test(key)) continue;
      collect(child, `${field}.${key}`, findings, budget);
    }
  }
}

/** What a request carries that an attacker controls and MediSys reads: query, path parameters, JSON body. */
export function inspectRequest(request: Pick<FastifyRequest, 'query' | 'params' | 'body'>): Finding[] {
  const findings: Finding[] = [];
  const budget = { strings: MAX_STRINGS };
  collect(request.query, 'query', findings, budget);
  collect(request.params, 'params', findings, budget);
  collect(request.body, 'body', findings, budget);
  return findings;
}

/**
 * Attack detection (detection only: the request goes on and is answered as any other). Each finding is
 * a SQL_INJECTION or XSS_ATTEMPT line in security.log with the request id, client address, user, field
 * and a SHA-256 of the value, never the value itself, and is counted in medisys_security_detections_total.
 * Runs before validation, so payloads in fields that are then refused are seen too.
 */
export function registerAttackDetection(
  api: Api,
  dependencies: { loggers: Loggers; metrics: Metrics },
): void {
  const { loggers, metrics } = dependencies;
  api.addHook('preValidation', async (request) => {
    if (!request.routeOptions.url?.startsWith('/api/')) return;
    for (const finding of inspectRequest(request)) {
      metrics.securityDetections.inc({ event: finding.type });
      loggers.security(finding.type, {
        requestId: request.id,
        clientAddress: request.ip,
        userId: request.auth?.actor.userId,
        username: request.auth?.actor.username,
        route: `${request.method} ${request.routeOptions.url}`,
        field: finding.field,
        rule: finding.rule,
        payloadSha256: finding.payloadSha256,
      });
    }
  });
}
