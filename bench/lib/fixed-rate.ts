import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { weightedPicker, type LoadRequest, type LoadResult } from './load.js';
import { summarise } from './stats.js';

export interface FixedRateOptions {
  readonly url: string;
  /** Requests per second, sent at even intervals whatever the answers do (open loop). */
  readonly rate: number;
  readonly durationSeconds: number;
  readonly requests: readonly { readonly weight: number; readonly request: LoadRequest }[];
  /** Connections kept open at most; a request that finds none free waits, and that wait counts. */
  readonly maxConnections?: number;
  readonly timeoutMs?: number;
}

/**
 * Sends `rate` requests a second at even intervals (an open loop: a slow answer does not delay the next
 * request) and times each from the moment it was due, so time spent waiting for a connection or behind
 * a late timer counts too (no coordinated omission). autocannon's own rate limit is not this: each
 * connection sends its share of a second back to back and then pauses, so a "fixed rate" run there
 * measures bursts at full speed.
 */
export async function runFixedRate(options: FixedRateOptions): Promise<LoadResult> {
  const pool = new Pool(options.url, { connections: options.maxConnections ?? 256 });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pick = weightedPicker(options.requests);
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  let non2xx = 0;
  let ok = 0;
  const inFlight = new Set<Promise<void>>();

  const send = (dueAt: number): void => {
    const chosen = pick();
    const { path, body } = chosen.next();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const done = (async () => {
      try {
        const response = await pool.request({
          method: chosen.method ?? 'GET',
          path,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          headers: {
            ...chosen.headers,
            ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(payload === undefined ? {} : { body: payload }),
        });
        await response.body.dump();
        latencies.push(performance.now() - dueAt);
        const status = response.statusCode;
        statusCounts[String(status)] = (statusCounts[String(status)] ?? 0) + 1;
        if (status >= 200 && status < 300) ok += 1;
        else non2xx += 1;
      } catch {
        errors += 1;
      }
    })();
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  const intervalMs = 1000 / options.rate;
  const total = Math.round(options.rate * options.durationSeconds);
  const started = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && started + sent * intervalMs <= now) {
        send(started + sent * intervalMs);
        sent += 1;
      }
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, started + sent * intervalMs - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);
  const elapsedSeconds = (performance.now() - started) / 1000;
  await pool.close();
  return {
    requests: latencies.length,
    throughput: Math.round((ok / elapsedSeconds) * 10) / 10,
    latency: summarise(latencies),
    errors,
    non2xx,
    statusCounts,
  };
}
