import autocannon from 'autocannon';
import { summarise, type LatencySummary } from './stats.js';

export interface LoadRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Called for every request: returns the path (and body) of the next one. */
  readonly next: () => { path: string; body?: unknown };
  readonly headers?: Record<string, string>;
}

export interface LoadOptions {
  readonly url: string;
  readonly durationSeconds: number;
  readonly connections: number;
  /** Several request kinds mixed by weight (the mixed workload); otherwise one. */
  readonly requests: readonly { readonly weight: number; readonly request: LoadRequest }[];
}

export interface LoadResult {
  readonly requests: number;
  readonly throughput: number;
  readonly latency: LatencySummary;
  readonly errors: number;
  readonly non2xx: number;
  readonly statusCounts: Record<string, number>;
}

/** Chooses among several request kinds by weight (the mixed workload); one kind is always chosen. */
export function weightedPicker(
  requests: readonly { readonly weight: number; readonly request: LoadRequest }[],
): () => LoadRequest {
  const totalWeight = requests.reduce((sum, entry) => sum + entry.weight, 0);
  return () => {
    let roll = Math.random() * totalWeight;
    for (const entry of requests) {
      roll -= entry.weight;
      if (roll < 0) return entry.request;
    }
    return requests[requests.length - 1]!.request;
  };
}

/**
 * Drives HTTP load with autocannon as fast as it goes (throughput runs; fixed rates are `fixed-rate.ts`)
 * and keeps every response time, so p95 is exact (autocannon's own summary has no p95). Errors are
 * connection errors, timeouts and non-2xx answers.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const pick = weightedPicker(options.requests);
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let finish: (result: autocannon.Result) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: options.url,
      connections: options.connections,
      duration: options.durationSeconds,
      timeout: 10,
      requests: [
        {
          setupRequest: (request) => {
            const chosen = pick();
            const { path, body } = chosen.next();
            return {
              ...request,
              method: chosen.method ?? 'GET',
              path,
              headers: {
                ...chosen.headers,
                ...(body === undefined ? {} : { 'content-type': 'application/json' }),
              },
              ...(body === undefined ? {} : { body: JSON.stringify(body) }),
            };
          },
        },
      ],
    },
    (error: Error | null, result: autocannon.Result) => (error ? fail(error) : finish(result)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    latencies.push(responseTimeMs);
    const key = String(statusCode);
    statusCounts[key] = (statusCounts[key] ?? 0) + 1;
  });
  const result = await done;
  const elapsedSeconds = result.duration > 0 ? result.duration : options.durationSeconds;
  return {
    requests: latencies.length,
    throughput: Math.round((result['2xx'] / elapsedSeconds) * 10) / 10,
    latency: summarise(latencies),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statusCounts,
  };
}
