import type { Database } from './database.js';
import { withTimeout } from './database.js';
import { LagTracker, parseLsn } from './replica-lag.js';

/** Why reads are not sent to the replica right now; `undefined` when they may be. */
export type ReplicaUnusableReason = 'unknown' | 'down' | 'not-a-standby' | 'lagging';

export interface ReplicaStatus {
  /** host:port of the replica, for the metric label and the health details (never the password). */
  readonly name: string;
  readonly reachable: boolean;
  /** pg_is_in_recovery() on the replica; undefined while unreachable. */
  readonly standby: boolean | undefined;
  /** Seconds behind the primary; undefined when it cannot be known (unreachable, not a standby). */
  readonly lagSeconds: number | undefined;
  readonly replayLsn: string | undefined;
  /** Why reads go to the primary instead, or undefined when the replica serves them. */
  readonly unusable: ReplicaUnusableReason | undefined;
  readonly error: string | undefined;
  /** When this was measured (ms since the epoch); 0 before the first sample. */
  readonly checkedAtMs: number;
}

export interface ReplicaMonitorOptions {
  readonly name: string;
  /** Lag beyond which the replica is not used (datasource.replica-max-lag). */
  readonly maxLagMs: number;
  readonly intervalMs?: number;
  readonly probeTimeoutMs?: number;
  readonly now?: () => number;
  /** Told when the replica stops or starts serving reads: one log line per change, not one per read. */
  readonly onChange?: (status: ReplicaStatus) => void;
}

interface ReplicaRow {
  readonly standby: boolean;
  readonly received: string | null;
  readonly replayed: string | null;
  readonly sinceReplaySeconds: number | null;
}

const DEFAULT_INTERVAL_MS = 1000;
const DEFAULT_PROBE_TIMEOUT_MS = 2000;

/**
 * Samples the replica (reachable? a standby? how far behind?) once a second, for the lag gauge, the
 * health component and the router's first decision. The router still checks freshness per read; this
 * only keeps reads away from a replica that is down or far behind without paying a timeout each time.
 */
export class ReplicaMonitor {
  private readonly lag = new LagTracker();
  private current: ReplicaStatus;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<ReplicaStatus> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly primary: Database,
    private readonly replica: Database,
    private readonly options: ReplicaMonitorOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.current = {
      name: options.name,
      reachable: false,
      standby: undefined,
      lagSeconds: undefined,
      replayLsn: undefined,
      unusable: 'unknown',
      error: 'not checked yet',
      checkedAtMs: 0,
    };
  }

  start(): void {
    if (this.timer) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.options.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  status(): ReplicaStatus {
    return this.current;
  }

  /** A read on the replica failed for want of a connection: stop sending reads until the next good sample. */
  reportUnreachable(error: Error): void {
    this.update({
      ...this.current,
      reachable: false,
      lagSeconds: undefined,
      unusable: 'down',
      error: error.message,
    });
  }

  private update(next: ReplicaStatus): ReplicaStatus {
    const previous = this.current;
    this.current = next;
    if (next.unusable !== previous.unusable) this.options.onChange?.(next);
    return next;
  }

  /** Takes one sample now (concurrent callers share it). */
  async sample(): Promise<ReplicaStatus> {
    this.sampling ??= this.measure().finally(() => (this.sampling = undefined));
    return this.sampling;
  }

  private async measure(): Promise<ReplicaStatus> {
    const timeoutMs = this.options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
    const startedAtMs = this.now();
    // The primary's position first: anything flushed before the replica is asked counts as missing if unreplayed.
    const primaryLsn = await withTimeout(
      this.primary.query<{ lsn: string }>('SELECT pg_current_wal_flush_lsn()::text AS lsn'),
      timeoutMs,
      'primary did not answer',
    ).then(
      (result) => parseLsn(result.rows[0]?.lsn),
      () => undefined,
    );
    if (primaryLsn !== undefined) this.lag.observePrimary(primaryLsn, startedAtMs);
    let row: ReplicaRow | undefined;
    try {
      const result = await withTimeout(
        this.replica.query<ReplicaRow>(
          `SELECT pg_is_in_recovery() AS standby,
                  pg_last_wal_receive_lsn()::text AS received,
                  pg_last_wal_replay_lsn()::text AS replayed,
                  EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8 AS "sinceReplaySeconds"`,
        ),
        timeoutMs,
        `replica did not answer within ${timeoutMs} ms`,
      );
      row = result.rows[0];
    } catch (error) {
      this.lag.reset();
      return this.update({
        ...this.current,
        reachable: false,
        standby: undefined,
        lagSeconds: undefined,
        replayLsn: undefined,
        unusable: 'down',
        error: (error as Error).message,
        checkedAtMs: this.now(),
      });
    }
    return this.update(this.evaluate(row, primaryLsn));
  }

  private evaluate(row: ReplicaRow | undefined, primaryLsn: bigint | undefined): ReplicaStatus {
    const base = { name: this.options.name, reachable: true, checkedAtMs: this.now() };
    if (!row?.standby) {
      return {
        ...base,
        standby: false,
        lagSeconds: undefined,
        replayLsn: undefined,
        unusable: 'not-a-standby',
        error:
          'the replica is not in recovery (pg_is_in_recovery() is false), so its freshness cannot be known',
      };
    }
    const replayed = parseLsn(row.replayed);
    let lagSeconds: number;
    if (replayed !== undefined && primaryLsn !== undefined) {
      lagSeconds = this.lag.lagSeconds(replayed, this.now());
    } else {
      // The primary cannot be asked: judge by the replica alone. Everything received replayed means
      // caught up with what it has; otherwise the age of the last replayed commit is the best measure.
      const received = parseLsn(row.received);
      const caughtUp = replayed !== undefined && received !== undefined && replayed >= received;
      lagSeconds = caughtUp ? 0 : Math.max(0, row.sinceReplaySeconds ?? 0);
    }
    const lagging = lagSeconds * 1000 > this.options.maxLagMs;
    return {
      ...base,
      standby: true,
      lagSeconds,
      replayLsn: row.replayed ?? undefined,
      unusable: lagging ? 'lagging' : undefined,
      error: lagging
        ? `the replica is ${lagSeconds.toFixed(1)} s behind, more than datasource.replica-max-lag`
        : undefined,
    };
  }
}
