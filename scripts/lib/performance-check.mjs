// scripts/performance-check.sh: a short load of the main read routes, measured against the operations
// manual's targets (p95 < 500 ms, > 100 requests/minute, < 1% errors). With MEDISYS_PERF_DATABASE_URL
// and psql, also lists the slowest statements from pg_stat_statements when that extension is present.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const base = (process.env.MEDISYS_URL ?? 'http://localhost:8080').replace(/\/$/, '');
const seconds = Number(process.env.MEDISYS_PERF_SECONDS ?? 20);
const concurrency = Number(process.env.MEDISYS_PERF_CONCURRENCY ?? 8);
const username = process.env.MEDISYS_PERF_USERNAME;
const password = process.env.MEDISYS_PERF_PASSWORD_FILE
  ? readFileSync(process.env.MEDISYS_PERF_PASSWORD_FILE, 'utf8').trim()
  : process.env.MEDISYS_PERF_PASSWORD;
const TARGETS = { p95Ms: 500, requestsPerMinute: 100, errorRate: 0.01 };

async function request(path, token) {
  const started = performance.now();
  try {
    const response = await fetch(`${base}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return {
      ms: performance.now() - started,
      ok: response.status < 500 && response.status !== 429,
      status: response.status,
    };
  } catch {
    return { ms: performance.now() - started, ok: false, status: 0 };
  }
}

let token;
const routes = ['/api/health'];
if (username && password) {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (login.status !== 200) {
    console.error(`Sign-in as ${username} failed (${login.status}); check MEDISYS_PERF_USERNAME/PASSWORD.`);
    process.exit(1);
  }
  token = (await login.json()).token;
  routes.push(
    '/api/v1/patients?q=an&limit=20',
    '/api/v1/doctors?limit=20',
    '/api/v1/departments?limit=20',
    '/api/v1/auth/me',
  );
} else {
  console.log('INFO  no MEDISYS_PERF_USERNAME: measuring /api/health only');
}

const samples = [];
const deadline = Date.now() + seconds * 1000;
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (Date.now() < deadline) {
      const path = routes[next++ % routes.length];
      samples.push({ path, ...(await request(path, token)) });
    }
  }),
);
if (token)
  await fetch(`${base}/api/v1/auth/logout`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  }).catch(() => {});

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};
const all = samples.map((sample) => sample.ms);
const errors = samples.filter((sample) => !sample.ok).length;
const result = {
  requests: samples.length,
  p50Ms: percentile(all, 50),
  p95Ms: percentile(all, 95),
  requestsPerMinute: (samples.length / seconds) * 60,
  errorRate: samples.length ? errors / samples.length : 1,
};
console.log('=== Performance Report ===');
console.log(`target ${base}, ${seconds} s, ${concurrency} concurrent clients`);
for (const path of routes) {
  const times = samples.filter((sample) => sample.path === path).map((sample) => sample.ms);
  console.log(
    `  ${path.padEnd(36)} n=${String(times.length).padStart(6)}  p50=${percentile(times, 50).toFixed(1)} ms  p95=${percentile(times, 95).toFixed(1)} ms`,
  );
}
const checks = [
  [`p95 ${result.p95Ms.toFixed(1)} ms < ${TARGETS.p95Ms} ms`, result.p95Ms < TARGETS.p95Ms],
  [
    `throughput ${result.requestsPerMinute.toFixed(0)} requests/minute > ${TARGETS.requestsPerMinute}`,
    result.requestsPerMinute > TARGETS.requestsPerMinute,
  ],
  [
    `error rate ${(result.errorRate * 100).toFixed(2)}% < ${TARGETS.errorRate * 100}%`,
    result.errorRate < TARGETS.errorRate,
  ],
];
for (const [label, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${label}`);

if (process.env.MEDISYS_PERF_DATABASE_URL) {
  try {
    const slowest = execFileSync(
      'psql',
      [
        process.env.MEDISYS_PERF_DATABASE_URL,
        '-X',
        '-c',
        'SELECT round(total_exec_time) AS total_ms, calls, round(mean_exec_time::numeric, 2) AS mean_ms, left(query, 80) AS query FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 10;',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    console.log('Slowest statements (pg_stat_statements):');
    console.log(slowest);
  } catch {
    console.log(
      'INFO  pg_stat_statements is not available: add it to shared_preload_libraries and CREATE EXTENSION pg_stat_statements to see slow queries.',
    );
  }
}
process.exit(checks.every(([, ok]) => ok) ? 0 : 1);
