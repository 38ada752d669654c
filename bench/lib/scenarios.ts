import { runFixedRate } from './fixed-rate.js';
import { runLoad, type LoadRequest, type LoadResult } from './load.js';
import { birthDate, patientName, Random } from './names.js';
import { sampleRss } from './processes.js';
import type { ScenarioResult } from './report.js';

export interface Sample {
  readonly patientIds: readonly string[];
  readonly mrns: readonly string[];
  readonly phones: readonly string[];
  readonly doctorIds: readonly string[];
}

export interface ScenarioSettings {
  readonly seconds: number;
  readonly connections: number;
}

let counter = 0;
export const pickFrom = <T>(items: readonly T[]): T => items[counter++ % items.length]!;
export const randomFrom = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export function patientRead(token: string, ids: readonly string[], random = true): LoadRequest {
  return {
    headers: bearer(token),
    next: () => ({ path: `/api/v1/patients/${random ? randomFrom(ids) : pickFrom(ids)}` }),
  };
}

export function patientSearch(token: string, terms: readonly string[]): LoadRequest {
  return {
    headers: bearer(token),
    next: () => ({ path: `/api/v1/patients?q=${encodeURIComponent(pickFrom(terms))}&limit=20` }),
  };
}

/** One sequence for the whole run: a second scenario must not register the first one's patients again. */
const registrationRandom = new Random(process.pid);

/**
 * New patients named and born like the loaded ones (so the duplicate check finds a likely duplicate about
 * as often as at a real front desk), with phone numbers no loaded patient has.
 */
export function registration(token: string): LoadRequest {
  return {
    method: 'POST',
    headers: bearer(token),
    next: () => {
      counter += 1;
      return {
        path: '/api/v1/patients',
        body: {
          name: patientName(registrationRandom),
          dateOfBirth: birthDate(registrationRandom),
          sex: 'unknown',
          phone: `+1 556 ${String(1_000_000 + (counter % 9_000_000)).slice(-7)}`,
        },
      };
    },
  };
}

export function signIn(users: readonly { username: string; password: string }[]): LoadRequest {
  return {
    method: 'POST',
    next: () => {
      const user = pickFrom(users);
      return { path: '/api/v1/auth/login', body: { username: user.username, password: user.password } };
    },
  };
}

export function get(token: string, paths: readonly string[]): LoadRequest {
  return { headers: bearer(token), next: () => ({ path: pickFrom(paths) }) };
}

/** A throughput run (as fast as `connections` allow) while the server's RSS is sampled. */
export async function throughputRun(
  url: string,
  pid: number,
  request: LoadRequest,
  settings: ScenarioSettings,
): Promise<LoadResult & { peakRssMb: number }> {
  const rss = sampleRss(pid);
  const result = await runLoad({
    url,
    durationSeconds: settings.seconds,
    connections: settings.connections,
    requests: [{ weight: 1, request }],
  });
  return { ...result, peakRssMb: rss.stop() };
}

/** Seconds at the measured rate, not recorded, before a fixed-rate measurement. */
export const WARM_UP_SECONDS = 3;

/**
 * Latency at a fixed request rate: requests at even intervals, timed from when each was due. The same
 * load runs for WARM_UP_SECONDS first, unrecorded: an instance's first requests of a kind compile its
 * code and fill its pool and each connection's catalog caches (a first search plans in 7-15 ms, then in
 * 0.4), and at 200/s that backlog took the first 8 s of a 15 s measurement. A restarted instance in
 * production meets it once; the figure reported is the steady state.
 */
export async function fixedRateRun(
  url: string,
  request: LoadRequest | readonly { weight: number; request: LoadRequest }[],
  rate: number,
  seconds: number,
): Promise<LoadResult> {
  const requests = Array.isArray(request)
    ? (request as readonly { weight: number; request: LoadRequest }[])
    : [{ weight: 1, request: request as LoadRequest }];
  await runFixedRate({ url, rate, durationSeconds: Math.min(WARM_UP_SECONDS, seconds), requests });
  return runFixedRate({ url, rate, durationSeconds: seconds, requests });
}

export function scenario(
  name: string,
  description: string,
  throughput: (LoadResult & { peakRssMb?: number }) | undefined,
  latency: LoadResult | undefined,
  rate: number | undefined,
  baseline?: { name: string; throughput: number },
): ScenarioResult {
  const errors =
    (throughput ? throughput.errors + throughput.non2xx : 0) +
    (latency ? latency.errors + latency.non2xx : 0);
  return {
    name,
    description,
    ...(throughput ? { throughput: throughput.throughput } : {}),
    ...(latency ? { latency: latency.latency } : throughput ? { latency: throughput.latency } : {}),
    ...(latency && rate !== undefined ? { rate } : {}),
    errors,
    ...(throughput?.peakRssMb !== undefined ? { peakRssMb: throughput.peakRssMb } : {}),
    ...(baseline && throughput
      ? {
          baseline: baseline.name,
          ratio: Math.round((throughput.throughput / baseline.throughput) * 1000) / 1000,
        }
      : {}),
    ...(errors > 0
      ? {
          notes: `status codes: ${JSON.stringify({ ...throughput?.statusCounts, ...latency?.statusCounts })}`,
        }
      : {}),
  };
}
