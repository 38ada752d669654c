/**
 * Replication lag from positions in the write-ahead log (LSNs such as `16/B374D848`), measured by the
 * monitor's own samples of the primary rather than by the time of the last replayed commit: on an idle
 * primary the last commit may be an hour old while the replica is fully caught up, and that is lag 0.
 */

/** A PostgreSQL LSN (`hi/lo` in hex) as a number of bytes; undefined for NULL or a malformed value. */
export function parseLsn(text: string | null | undefined): bigint | undefined {
  if (!text) return undefined;
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (!match) return undefined;
  return (BigInt(`0x${match[1]!}`) << 32n) | BigInt(`0x${match[2]!}`);
}

interface PrimarySample {
  readonly lsn: bigint;
  /** When the monitor first saw the primary at this position (ms). */
  readonly seenAtMs: number;
}

/** Enough history for an hour of one-second samples on a busy primary; older detail is thinned out. */
const MAX_SAMPLES = 3600;

/**
 * Remembers when the primary first reached each position, so that "the replica has replayed up to X"
 * becomes "the replica is missing what the primary had already flushed N seconds ago".
 */
export class LagTracker {
  private readonly samples: PrimarySample[] = [];

  /** Records the primary's flushed position as seen at `nowMs`. */
  observePrimary(lsn: bigint, nowMs: number): void {
    const last = this.samples.at(-1);
    if (last && lsn <= last.lsn) return;
    this.samples.push({ lsn, seenAtMs: nowMs });
    // Keep the oldest sample (it bounds the lag from below); thin out the ones after it.
    if (this.samples.length > MAX_SAMPLES) this.samples.splice(1, 1);
  }

  /**
   * Seconds since the primary first had WAL that the replica has not replayed (0 when it has replayed
   * everything the monitor saw). A lower bound with the resolution of the sampling interval.
   */
  lagSeconds(replayed: bigint, nowMs: number): number {
    while (this.samples.length > 0 && this.samples[0]!.lsn <= replayed) this.samples.shift();
    const oldestMissing = this.samples[0];
    return oldestMissing ? Math.max(0, (nowMs - oldestMissing.seenAtMs) / 1000) : 0;
  }

  reset(): void {
    this.samples.length = 0;
  }
}
