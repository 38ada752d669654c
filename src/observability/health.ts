import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../db/index.js';
import type { ReplicaStatus } from '../db/replica.js';

export type HealthStatus = 'UP' | 'DOWN';

export interface ComponentHealth {
  readonly status: HealthStatus;
  readonly details?: Record<string, unknown>;
}

export interface HealthReport {
  readonly status: HealthStatus;
  readonly components: Record<string, ComponentHealth>;
}

/** A named probe of one resource; `critical` probes take the overall status DOWN with them. */
export interface HealthIndicator {
  readonly name: string;
  readonly critical: boolean;
  check(): Promise<ComponentHealth>;
}

const PROBE_TIMEOUT_MS = 2000;

export function databaseIndicator(db: Database): HealthIndicator {
  return {
    name: 'db',
    critical: true,
    async check(): Promise<ComponentHealth> {
      const database = db.kind === 'postgres' ? 'PostgreSQL' : 'PostgreSQL (embedded PGlite)';
      try {
        const responseTimeMs = await db.ping(PROBE_TIMEOUT_MS);
        return {
          status: 'UP',
          details: {
            database,
            validationQuery: 'SELECT 1',
            responseTimeMs: Math.round(responseTimeMs * 100) / 100,
          },
        };
      } catch (error) {
        return { status: 'DOWN', details: { database, error: (error as Error).message } };
      }
    },
  };
}

/**
 * The read replica, as the router last sampled it. Not critical: a replica that is down or behind only
 * sends reads to the primary, so it must not take readiness (and the load balancer's traffic) with it.
 */
export function replicaIndicator(status: () => ReplicaStatus): HealthIndicator {
  return {
    name: 'replica',
    critical: false,
    async check(): Promise<ComponentHealth> {
      const current = status();
      const details: Record<string, unknown> = {
        replica: current.name,
        servingReads: current.unusable === undefined,
        lagSeconds: current.lagSeconds ?? null,
      };
      if (current.unusable) details['reason'] = current.unusable;
      if (current.error) details['error'] = current.error;
      if (current.replayLsn) details['replayLsn'] = current.replayLsn;
      return { status: current.unusable === undefined ? 'UP' : 'DOWN', details };
    },
  };
}

/** The folder itself, or the closest ancestor that exists yet (data folders are created on first use). */
function nearestExisting(directory: string): string {
  let current = path.resolve(directory);
  while (!existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  return current;
}

/** Free and total bytes of the volume holding `directory`. */
export async function volumeUsage(directory: string): Promise<{ freeBytes: number; totalBytes: number }> {
  const stats = await statfs(nearestExisting(directory));
  return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
}

/** DOWN when the free space under `directory` falls below `thresholdBytes` (Spring's default is 10 MiB). */
export function diskSpaceIndicator(directory: string, thresholdBytes = 10 * 1024 * 1024): HealthIndicator {
  return {
    name: 'diskSpace',
    critical: true,
    async check(): Promise<ComponentHealth> {
      try {
        const { freeBytes: free, totalBytes: total } = await volumeUsage(directory);
        return {
          status: free >= thresholdBytes ? 'UP' : 'DOWN',
          details: { total, free, threshold: thresholdBytes, path: directory, exists: true },
        };
      } catch (error) {
        return { status: 'DOWN', details: { path: directory, error: (error as Error).message } };
      }
    },
  };
}

/**
 * Runs every indicator in parallel. Results are reused for `cacheMs` so that a burst of probes from
 * several load balancers costs one round of checks.
 */
export class HealthService {
  private cached: { report: HealthReport; at: number } | undefined;
  private inFlight: Promise<HealthReport> | undefined;

  constructor(
    private readonly indicators: readonly HealthIndicator[],
    private readonly cacheMs = 500,
  ) {}

  async check(): Promise<HealthReport> {
    if (this.cached && performance.now() - this.cached.at < this.cacheMs) return this.cached.report;
    this.inFlight ??= this.runChecks().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async runChecks(): Promise<HealthReport> {
    const results = await Promise.all(this.indicators.map((indicator) => indicator.check()));
    const components: Record<string, ComponentHealth> = {};
    let status: HealthStatus = 'UP';
    this.indicators.forEach((indicator, index) => {
      const result = results[index]!;
      components[indicator.name] = result;
      if (indicator.critical && result.status === 'DOWN') status = 'DOWN';
    });
    const report = { status, components };
    this.cached = { report, at: performance.now() };
    return report;
  }
}
