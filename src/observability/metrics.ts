import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PoolStatistics } from '../db/index.js';
import type { ReplicaStatus } from '../db/replica.js';

export interface MetricsSources {
  readonly poolStatistics: () => PoolStatistics;
  readonly connectionFailures: () => number;
  /** 1 while the instance accepts traffic (readiness UP), else 0. */
  readonly ready?: () => number;
  /** Unix seconds of the last successful backup, 0 when none is known. */
  readonly lastBackupSeconds?: () => number;
  /** Free and total bytes of the data volume. */
  readonly disk?: () => Promise<{ freeBytes: number; totalBytes: number }>;
  /** The read replica's last sampled state; absent (no series exported) when none is configured. */
  readonly replica?: () => ReplicaStatus;
}

/** The route label for requests that matched no route, so unknown paths cannot explode the label set. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * One registry per MediSys instance (never prom-client's global one), holding every metric that
 * /actuator/prometheus exports and that /actuator/metrics reads in Actuator's JSON shape.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly logins: Counter<'outcome'>;
  readonly cacheRequests: Counter<'cache' | 'result'>;
  readonly cacheErrors: Counter<'operation'>;
  readonly auditEvents: Counter<'action'>;
  /** Reads of the replica-routed services by where they ran (replica, primary) and why (reason). */
  readonly replicaReads: Counter<'source' | 'reason'>;
  /** Requests answered 429 by a throttle, by scope (login-account, login-address, api-user, api-address). */
  readonly throttledRequests: Counter<'scope'>;
  /** Throttle store failures: `redis` when PostgreSQL answered instead, `all` when the request was let through. */
  readonly throttleStoreFailures: Counter<'store'>;
  /** Detected attacks by security.log event (SQL_INJECTION, XSS_ATTEMPT, BRUTE_FORCE). */
  readonly securityDetections: Counter<'event'>;
  private readonly startedAt = process.hrtime.bigint();
  private lastCpu = process.cpuUsage();
  private lastCpuAt = process.hrtime.bigint();
  private cpuUsage = 0;

  constructor(sources: MetricsSources) {
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.logins = new Counter({
      name: 'medisys_logins_total',
      help: 'Sign-in attempts by outcome (success, failure, locked).',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    this.cacheRequests = new Counter({
      name: 'medisys_cache_requests_total',
      help: 'Cache look-ups by cache and result (hit, miss; bypass while the cache store is unreachable).',
      labelNames: ['cache', 'result'],
      registers: [this.registry],
    });
    this.cacheErrors = new Counter({
      name: 'medisys_cache_errors_total',
      help: 'Cache store operations that failed or timed out (read, write, invalidate); the database answered instead.',
      labelNames: ['operation'],
      registers: [this.registry],
    });
    this.auditEvents = new Counter({
      name: 'medisys_audit_events_total',
      help: 'Audit events written, by action.',
      labelNames: ['action'],
      registers: [this.registry],
    });
    this.throttledRequests = new Counter({
      name: 'medisys_throttled_requests_total',
      help: 'Requests refused with 429 by a throttle, by scope (login-account, login-address, api-user, api-address).',
      labelNames: ['scope'],
      registers: [this.registry],
    });
    this.throttleStoreFailures = new Counter({
      name: 'medisys_throttle_store_failures_total',
      help: 'Throttle store failures: store=redis when PostgreSQL answered instead, store=all when the request was let through unthrottled.',
      labelNames: ['store'],
      registers: [this.registry],
    });
    this.securityDetections = new Counter({
      name: 'medisys_security_detections_total',
      help: 'Attacks detected and written to security.log, by event (SQL_INJECTION, XSS_ATTEMPT, BRUTE_FORCE).',
      labelNames: ['event'],
      registers: [this.registry],
    });
    for (const scope of ['login-account', 'login-address', 'api-user', 'api-address'])
      this.throttledRequests.inc({ scope }, 0);
    for (const store of ['redis', 'all']) this.throttleStoreFailures.inc({ store }, 0);
    for (const event of ['SQL_INJECTION', 'XSS_ATTEMPT', 'BRUTE_FORCE'])
      this.securityDetections.inc({ event }, 0);
    // Zero series from the start, so rates and alerts have data before the first event.
    for (const outcome of ['success', 'failure', 'locked']) this.logins.inc({ outcome }, 0);
    for (const cache of ['patients', 'doctors', 'departments', 'dashboard', 'sessions']) {
      for (const result of ['hit', 'miss', 'bypass']) this.cacheRequests.inc({ cache, result }, 0);
    }
    for (const operation of ['read', 'write', 'invalidate']) this.cacheErrors.inc({ operation }, 0);
    const pool = (name: string, help: string, read: (stats: PoolStatistics) => number): void => {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect(): void {
          this.set(read(sources.poolStatistics()));
        },
      });
    };
    pool('hikaricp_connections_active', 'Database connections in use.', (stats) => stats.active);
    pool('hikaricp_connections_idle', 'Database connections open and idle.', (stats) => stats.idle);
    pool(
      'hikaricp_connections_pending',
      'Requests waiting for a database connection.',
      (stats) => stats.pending,
    );
    pool('hikaricp_connections_max', 'Most database connections the pool opens.', (stats) => stats.max);
    new Counter({
      name: 'database_connections_failed_total',
      help: 'Database connections that could not be opened.',
      registers: [this.registry],
      collect(): void {
        this.reset();
        this.inc(sources.connectionFailures());
      },
    });
    this.replicaReads = new Counter({
      name: 'medisys_db_replica_reads_total',
      help: 'Replica-eligible reads (patient lists and searches, reports, dashboard) by where they ran and why: source=replica (reason fresh), or source=primary with reason down, lagging, behind, failed, not-a-standby or unknown (not sampled yet).',
      labelNames: ['source', 'reason'],
      registers: [this.registry],
    });
    const { ready, lastBackupSeconds, disk, replica } = sources;
    registerReplicaGauges(this.registry, replica);
    if (ready) {
      new Gauge({
        name: 'medisys_ready',
        help: '1 while this instance is ready for traffic, 0 while starting or shutting down.',
        registers: [this.registry],
        collect(): void {
          this.set(ready());
        },
      });
    }
    if (lastBackupSeconds) {
      new Gauge({
        name: 'medisys_backup_last_success_timestamp_seconds',
        help: 'When the last successful backup finished (Unix seconds; 0 when none is known).',
        registers: [this.registry],
        collect(): void {
          this.set(lastBackupSeconds());
        },
      });
    }
    if (disk) {
      new Gauge({
        name: 'medisys_data_volume_free_bytes',
        help: 'Free bytes on the volume of data.dir.',
        registers: [this.registry],
        async collect(): Promise<void> {
          this.set((await disk()).freeBytes);
        },
      });
      new Gauge({
        name: 'medisys_data_volume_size_bytes',
        help: 'Size in bytes of the volume of data.dir.',
        registers: [this.registry],
        async collect(): Promise<void> {
          this.set((await disk()).totalBytes);
        },
      });
    }
    const sampleCpuUsage = (): number => this.sampleCpuUsage();
    new Gauge({
      name: 'process_cpu_usage',
      help: 'Recent CPU usage of this process as a fraction of one core.',
      registers: [this.registry],
      collect(): void {
        this.set(sampleCpuUsage());
      },
    });
  }

  /** CPU used since the previous sample, as a fraction of one core (Actuator's process.cpu.usage). */
  sampleCpuUsage(): number {
    const now = process.hrtime.bigint();
    const elapsedMicros = Number(now - this.lastCpuAt) / 1000;
    if (elapsedMicros > 100_000) {
      const usage = process.cpuUsage(this.lastCpu);
      this.cpuUsage = (usage.user + usage.system) / elapsedMicros;
      this.lastCpu = process.cpuUsage();
      this.lastCpuAt = now;
    }
    return this.cpuUsage;
  }

  uptimeSeconds(): number {
    return Number(process.hrtime.bigint() - this.startedAt) / 1e9;
  }
}

/**
 * Lag and availability of the read replica, labelled with its host:port; declared on every instance,
 * with series only where a replica is configured (so that no replica never reads as "replica down").
 * Lag is NaN while it cannot be known (unreachable, not a standby): a down replica is not "0 s behind".
 */
function registerReplicaGauges(registry: Registry, replica: (() => ReplicaStatus) | undefined): void {
  new Gauge({
    name: 'medisys_db_replica_lag_seconds',
    help: 'How far the read replica is behind the primary, in seconds (0 when it has replayed everything the primary flushed; NaN when unknown).',
    labelNames: ['replica'],
    registers: [registry],
    collect(): void {
      if (!replica) return;
      const status = replica();
      this.set({ replica: status.name }, status.lagSeconds ?? Number.NaN);
    },
  });
  new Gauge({
    name: 'medisys_db_replica_up',
    help: '1 while the read replica is reachable and a streaming standby, else 0.',
    labelNames: ['replica'],
    registers: [registry],
    collect(): void {
      if (!replica) return;
      const status = replica();
      this.set({ replica: status.name }, status.reachable && status.standby === true ? 1 : 0);
    },
  });
}
