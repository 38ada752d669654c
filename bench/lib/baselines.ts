import { writeFileSync } from 'node:fs';
import path from 'node:path';
import argon2 from 'argon2';
import pg from 'pg';
import { runFixedRate } from './fixed-rate.js';
import { runLoad, type LoadResult } from './load.js';
import { freePort, run, startChild, waitFor } from './processes.js';
import type { RecordedStatement } from './sql-recorder.js';

export interface BaselineResult {
  readonly name: string;
  readonly description: string;
  /** Operations per second (requests, transactions, verifications, GETs). */
  readonly throughput: number;
  readonly load?: LoadResult;
}

/** Runs `script` (an HTTP server on $PORT) for the time `measure` takes, given its URL. */
async function withHttpServer<T>(
  script: string,
  env: Record<string, string>,
  measure: (url: string) => Promise<T>,
): Promise<T> {
  const port = await freePort();
  const child = startChild(process.execPath, [script], { ...env, PORT: String(port) });
  try {
    await waitFor(`http://127.0.0.1:${port}/`);
    return await measure(`http://127.0.0.1:${port}`);
  } finally {
    await child.stop();
  }
}

const ROOT_PATH = [{ weight: 1, request: { next: () => ({ path: '/' }) } }];

async function httpBaseline(
  name: string,
  description: string,
  script: string,
  env: Record<string, string>,
  seconds: number,
  connections: number,
): Promise<BaselineResult> {
  const load = await withHttpServer(script, env, (url) =>
    runLoad({ url, durationSeconds: seconds, connections, requests: ROOT_PATH }),
  );
  return { name, description, throughput: load.throughput, load };
}

/** B0: bare node:http hello. */
export function bareNode(seconds: number, connections: number): Promise<BaselineResult> {
  return httpBaseline(
    'B0',
    'bare node:http hello',
    'bench/baselines/node-hello.mjs',
    {},
    seconds,
    connections,
  );
}

/**
 * B0 at a fixed rate: what the machine and the load generator add to any response time (timers, the
 * scheduler of two shared cores). A scenario's latency at that rate cannot be lower.
 */
export function bareNodeAtRate(rate: number, seconds: number): Promise<LoadResult> {
  return withHttpServer('bench/baselines/node-hello.mjs', {}, (url) =>
    runFixedRate({ url, rate, durationSeconds: seconds, requests: ROOT_PATH }),
  );
}

/** B1: bare Fastify route returning `document` (the JSON a cached patient read returns). */
export function bareFastify(
  document: string,
  workDir: string,
  seconds: number,
  connections: number,
): Promise<BaselineResult> {
  const file = path.join(workDir, 'b1-document.json');
  writeFileSync(file, document);
  return httpBaseline(
    'B1',
    'bare Fastify route returning the same JSON without the database',
    'bench/baselines/fastify-json.mjs',
    { JSON_FILE: file },
    seconds,
    connections,
  );
}

/** B2: pgbench -M prepared running `script` (the scenario's statements) with `clients` connections. */
export async function pgbench(
  databaseUrl: string,
  script: string,
  workDir: string,
  name: string,
  clients: number,
  seconds: number,
): Promise<BaselineResult> {
  const file = path.join(workDir, `${name}.pgbench.sql`);
  writeFileSync(file, script);
  const output = await run('pgbench', [
    '-n',
    '-M',
    'prepared',
    '-c',
    String(clients),
    '-j',
    '2',
    '-T',
    String(seconds),
    '-f',
    file,
    databaseUrl,
  ]);
  const match = /tps = ([\d.]+)/.exec(output);
  if (!match) throw new Error(`pgbench printed no tps:\n${output}`);
  return {
    name: 'B2',
    description: `pgbench -M prepared, ${clients} clients: ${name}`,
    throughput: Number(match[1]),
  };
}

/**
 * B3: the same statements from a minimal node-postgres loop: a pool as large as MediSys's, as many
 * concurrent loops as the load generator has connections, each running one request's statements in order
 * on one connection.
 */
export async function nodePostgresLoop(
  databaseUrl: string,
  statementsFor: (iteration: number) => readonly RecordedStatement[],
  poolSize: number,
  concurrency: number,
  seconds: number,
): Promise<BaselineResult> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  let completed = 0;
  let iteration = 0;
  const deadline = Date.now() + seconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < deadline) {
          const statements = statementsFor(iteration++);
          const client = await pool.connect();
          try {
            for (const { name, text, values } of statements) {
              await client.query({ ...(name ? { name } : {}), text, values: [...values] });
            }
          } finally {
            client.release();
          }
          completed += 1;
        }
      }),
    );
  } finally {
    await pool.end();
  }
  return {
    name: 'B3',
    description: `node-postgres loop, pool ${poolSize}, ${concurrency} concurrent`,
    throughput: Math.round((completed / seconds) * 10) / 10,
  };
}

/** B4: argon2id verifications per second with `parallelism` in flight (MediSys's bound: one per core). */
export async function argon2Verify(parallelism: number, seconds: number): Promise<BaselineResult> {
  const hash = await argon2.hash('bench user passphrase 0', {
    type: argon2.argon2id,
    memoryCost: 19_456,
    timeCost: 2,
    parallelism: 1,
  });
  let completed = 0;
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: parallelism }, async () => {
      while (Date.now() < deadline) {
        await argon2.verify(hash, 'bench user passphrase 0');
        completed += 1;
      }
    }),
  );
  return {
    name: 'B4',
    description: `argon2id verify loop, ${parallelism} in parallel`,
    throughput: Math.round((completed / seconds) * 10) / 10,
  };
}

/** B5: redis-benchmark GET against the Redis the cached scenarios use. */
export async function redisBenchmark(redisUrl: string, requests: number): Promise<BaselineResult> {
  const url = new URL(redisUrl);
  const output = await run('redis-benchmark', [
    '-h',
    url.hostname,
    '-p',
    url.port || '6379',
    '-t',
    'get',
    '-n',
    String(requests),
    '-c',
    '50',
    '-q',
  ]);
  const match = /GET: ([\d.]+) requests per second/.exec(output);
  if (!match) throw new Error(`redis-benchmark printed no rate:\n${output}`);
  return { name: 'B5', description: 'redis-benchmark GET, 50 clients', throughput: Number(match[1]) };
}
