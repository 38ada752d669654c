import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { BaselineResult } from './baselines.js';
import {
  argon2Verify,
  bareFastify,
  bareNode,
  bareNodeAtRate,
  nodePostgresLoop,
  pgbench,
  redisBenchmark,
} from './baselines.js';
import { userName, userPassword } from './dataset.js';
import { openInProcess } from './in-process.js';
import { ensureBenchKeyFile } from './key-file.js';
import { SEARCH_TERMS } from './names.js';
import type { BenchOptions } from './options.js';
import { log } from './progress.js';
import { sampleRss, startMediSys, type MediSysInstance } from './processes.js';
import type { ScenarioResult, SearchCurvePoint, TargetCheck } from './report.js';
import {
  bearer,
  fixedRateRun,
  WARM_UP_SECONDS,
  get,
  patientRead,
  patientSearch,
  randomFrom,
  registration,
  scenario,
  signIn,
  throughputRun,
  type Sample,
} from './scenarios.js';
import { pgbenchScript, recordStatements, substitute } from './sql-recorder.js';
import { startHaproxy } from './haproxy.js';
import { checkTargets } from './targets.js';

export interface SuiteInput {
  readonly options: BenchOptions;
  readonly workDir: string;
  readonly sample: Sample;
  readonly users: number;
}

export interface SuiteResult {
  readonly baselines: BaselineResult[];
  readonly scenarios: ScenarioResult[];
  targets(curve: readonly SearchCurvePoint[]): TargetCheck[];
}

const POOL_SIZE = 20;
const CONNECTIONS = 100;
/** Where production runs MediSys (deploy/systemd/medisys-app@.service). */
const NODE_OPTIONS = '--max-old-space-size=512';
/** The registration whose statements B2 replays, its name and birth date replaced in each transaction. */
const RECORDED_REGISTRATION = { name: 'Bench Recorded Registration', dateOfBirth: '1970-01-01' };

async function signInOver(instance: MediSysInstance, index: number): Promise<string> {
  const response = await fetch(`${instance.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: userName(index), password: userPassword(index) }),
  });
  if (!response.ok)
    throw new Error(`sign-in of ${userName(index)} answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

export async function runSuite(input: SuiteInput): Promise<SuiteResult> {
  const { options, workDir, sample } = input;
  const seconds = options.quick ? 5 : 20;
  const rateSeconds = options.quick ? 5 : 15;
  const settings = { seconds, connections: CONNECTIONS };
  const wanted = (name: string): boolean => options.only.length === 0 || options.only.includes(name);
  const baselines: BaselineResult[] = [];
  const scenarios: ScenarioResult[] = [];
  const baseline = (name: string): BaselineResult | undefined =>
    baselines.find((entry) => entry.name === name);
  let instanceCount = 0;
  const instanceEnv = (redis: boolean): Record<string, string> => {
    instanceCount += 1;
    return {
      MEDISYS_DATASOURCE_URL: options.databaseUrl,
      MEDISYS_DATA_DIR: path.join(workDir, `data-${instanceCount}`),
      MEDISYS_LOGGING_DIR: path.join(workDir, `logs-${instanceCount}`),
      MEDISYS_DATASOURCE_POOL_MAXIMUM_POOL_SIZE: String(POOL_SIZE),
      MEDISYS_SECURITY_ENCRYPTION_KEY_FILE: ensureBenchKeyFile(),
      NODE_OPTIONS,
      // The benchmark measures capacity; the per-user API limit would answer 429 long before it.
      MEDISYS_SECURITY_THROTTLE_ENABLED: 'false',
      ...(redis ? { MEDISYS_REDIS_URL: options.redisUrl } : {}),
    };
  };

  log('\nbaselines');
  baselines.push(await bareNode(seconds, CONNECTIONS));
  for (const rate of [200, 1000]) {
    const floor = await bareNodeAtRate(rate, rateSeconds);
    scenarios.push(
      scenario(
        `floor-${rate}`,
        'bare node:http hello at a fixed rate: the latency this machine and the load generator add to any request',
        undefined,
        floor,
        rate,
      ),
    );
  }
  // As many in flight as MediSys lets hash at once (one per core, src/modules/users/passwords.ts).
  baselines.push(await argon2Verify(availableParallelism(), seconds));
  baselines.push(await redisBenchmark(options.redisUrl, options.quick ? 50_000 : 200_000));

  // The exact statements of one patient read and one registration, recorded from MediSys itself.
  const inProcess = await openInProcess(options.databaseUrl);
  let readStatements;
  let registrationStatements;
  const recordedId = sample.patientIds[0]!;
  try {
    const response = await inProcess.app.api.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: userName(0), password: userPassword(0) },
    });
    const token = response.json<{ token: string }>().token;
    readStatements = await recordStatements(async () => {
      await inProcess.app.api.inject({
        method: 'GET',
        url: `/api/v1/patients/${recordedId}`,
        headers: bearer(token),
      });
    });
    registrationStatements = await recordStatements(async () => {
      await inProcess.app.api.inject({
        method: 'POST',
        url: '/api/v1/patients',
        headers: bearer(token),
        payload: { ...RECORDED_REGISTRATION, sex: 'unknown' },
      });
    });
  } finally {
    await inProcess.close();
  }
  const b3 = await nodePostgresLoop(
    options.databaseUrl,
    () => substitute(readStatements, new Map([[recordedId, randomFrom(sample.patientIds)]])),
    POOL_SIZE,
    CONNECTIONS,
    seconds,
  );
  baselines.push({ ...b3, description: `${b3.description}: the statements of one patient read` });
  baselines.push(
    await pgbench(
      options.databaseUrl,
      pgbenchScript(
        registrationStatements,
        // Birth dates spread as the loaded patients' are: on one date, every earlier pgbench registration
        // would be a likely duplicate of the next, and the baseline would slow down run after run.
        new Map([
          [RECORDED_REGISTRATION.name, `('Bench pgbench ' || :n)`],
          [RECORDED_REGISTRATION.dateOfBirth, `('1935-01-01'::date + :day::int)`],
        ]),
        ['\\set n random(1, 1000000000)', '\\set day random(0, 31999)'],
      ),
      workDir,
      'registration',
      POOL_SIZE,
      seconds,
    ),
  );

  log('\nscenarios (uncached instance)');
  const primary = await startMediSys(instanceEnv(false));
  try {
    const staff = await signInOver(primary, 0);
    const pid = primary.child.pid;
    if (wanted('patient-read')) {
      const throughput = await throughputRun(
        primary.url,
        pid,
        patientRead(staff, sample.patientIds),
        settings,
      );
      const latency = await fixedRateRun(
        primary.url,
        patientRead(staff, sample.patientIds),
        1000,
        rateSeconds,
      );
      scenarios.push(
        scenario(
          'patient-read',
          'GET a patient by id (uncached), with its audit row',
          throughput,
          latency,
          1000,
          baseline('B3'),
        ),
      );
    }
    const searches: [string, readonly string[]][] = [
      ['search-common', SEARCH_TERMS.common],
      ['search-rare', SEARCH_TERMS.rare],
      ['search-3-characters', SEARCH_TERMS.threeCharacters],
      ['search-mrn', sample.mrns],
      ['search-phone', sample.phones.map((phone) => phone.replace(/\D/g, ''))],
    ];
    for (const [name, terms] of searches) {
      if (!wanted(name)) continue;
      const latency = await fixedRateRun(primary.url, patientSearch(staff, terms), 200, rateSeconds);
      scenarios.push(scenario(name, `patient search, ${name.slice(7)} terms`, undefined, latency, 200));
    }
    const today = new Date().toISOString().slice(0, 10);
    if (wanted('doctor-day')) {
      const paths = sample.doctorIds.map(
        (id) => `/api/v1/appointments?doctorId=${id}&date=${today}&limit=100`,
      );
      const throughput = await throughputRun(primary.url, pid, get(staff, paths), settings);
      scenarios.push(
        scenario('doctor-day', "a doctor's appointments for a day", throughput, undefined, undefined),
      );
    }
    if (wanted('free-slots')) {
      const from = new Date(Date.now() + 86_400_000).toISOString();
      const to = new Date(Date.now() + 8 * 86_400_000).toISOString();
      const paths = sample.doctorIds.map(
        (id) =>
          `/api/v1/appointments/free-slots?doctorId=${id}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&limit=20`,
      );
      const throughput = await throughputRun(primary.url, pid, get(staff, paths), settings);
      scenarios.push(
        scenario('free-slots', 'free slots of a doctor over a week', throughput, undefined, undefined),
      );
    }
    if (wanted('registration')) {
      const throughput = await throughputRun(primary.url, pid, registration(staff), settings);
      const latency = await fixedRateRun(primary.url, registration(staff), 200, rateSeconds);
      scenarios.push(
        scenario(
          'registration',
          'register a patient (with its audit row)',
          throughput,
          latency,
          200,
          baseline('B2'),
        ),
      );
    }
    if (wanted('sign-in')) {
      const users = Array.from({ length: Math.min(input.users, 2000) }, (_unused, index) => ({
        username: userName(index),
        password: userPassword(index),
      }));
      const throughput = await throughputRun(primary.url, pid, signIn(users), { seconds, connections: 32 });
      scenarios.push(
        scenario(
          'sign-in',
          'sign in (argon2id verify and a new session)',
          throughput,
          undefined,
          undefined,
          baseline('B4'),
        ),
      );
      const idle = await fixedRateRun(primary.url, patientRead(staff, sample.patientIds), 200, rateSeconds);
      const [busy] = await Promise.all([
        fixedRateRun(primary.url, patientRead(staff, sample.patientIds), 200, rateSeconds),
        // Sign-ins through the reads' warm-up and their measurement.
        throughputRun(primary.url, pid, signIn(users), {
          seconds: rateSeconds + WARM_UP_SECONDS,
          connections: 32,
        }),
      ]);
      scenarios.push(
        scenario('read-idle', 'patient read p99 at 200/s, nothing else running', undefined, idle, 200),
      );
      scenarios.push(
        scenario(
          'read-during-sign-ins',
          'patient read p99 at 200/s while sign-ins saturate the CPU',
          undefined,
          busy,
          200,
        ),
      );
    }
    if (wanted('dashboard')) {
      const throughput = await throughputRun(primary.url, pid, get(staff, ['/api/v1/dashboard']), settings);
      scenarios.push(scenario('dashboard', 'the dashboard (role staff)', throughput, undefined, undefined));
    }
  } finally {
    await primary.child.stop();
  }

  if (wanted('report-csv')) {
    // An instance of its own: the peak then measures the report's streaming, not what earlier
    // scenarios left on the heap of a shared instance.
    const reporting = await startMediSys(instanceEnv(false));
    try {
      scenarios.push(await reportScenario(reporting, await signInOver(reporting, 2)));
    } finally {
      await reporting.child.stop();
    }
  }

  if (wanted('patient-read-cached')) {
    log('\nscenarios (cached instance, Redis)');
    const cached = await startMediSys(instanceEnv(true));
    try {
      const staff = await signInOver(cached, 0);
      const hot = sample.patientIds.slice(0, 20);
      const document = await (
        await fetch(`${cached.url}/api/v1/patients/${hot[0]!}`, { headers: bearer(staff) })
      ).text();
      baselines.push(await bareFastify(document, workDir, seconds, CONNECTIONS));
      const throughput = await throughputRun(cached.url, cached.child.pid, patientRead(staff, hot), settings);
      scenarios.push(
        scenario(
          'patient-read-cached',
          'GET a patient by id served from the Redis cache',
          throughput,
          undefined,
          undefined,
          baseline('B1'),
        ),
      );
    } finally {
      await cached.child.stop();
    }
  }

  if (wanted('mixed')) {
    log('\nmixed workload through HAProxy (two instances)');
    const instances = [await startMediSys(instanceEnv(true)), await startMediSys(instanceEnv(true))];
    const haproxy = await startHaproxy(instances, workDir);
    try {
      const staff = await signInOver(instances[0]!, 0);
      const samplers = instances.map((instance) => sampleRss(instance.child.pid));
      const latency = await fixedRateRun(
        haproxy.url,
        [
          { weight: 70, request: patientRead(staff, sample.patientIds) },
          {
            weight: 20,
            request: patientSearch(staff, [
              ...SEARCH_TERMS.common,
              ...SEARCH_TERMS.rare,
              ...sample.mrns.slice(0, 50),
            ]),
          },
          { weight: 10, request: registration(staff) },
        ],
        1000,
        options.quick ? 10 : 30,
      );
      const peaks = samplers.map((sampler) => sampler.stop());
      scenarios.push({
        ...scenario(
          'mixed',
          '70% reads, 20% searches, 10% writes through HAProxy to two instances',
          undefined,
          latency,
          1000,
        ),
        peakRssMb: Math.max(...peaks),
      });
    } finally {
      await haproxy.stop();
      await Promise.all(instances.map((instance) => instance.child.stop()));
    }
  }

  return { baselines, scenarios, targets: (curve) => checkTargets(scenarios, curve) };
}

/** Streams the row-level patients CSV (every patient) once, counting rows, with the server's RSS sampled. */
async function reportScenario(instance: MediSysInstance, token: string): Promise<ScenarioResult> {
  const startingRssMb = sampleRss(instance.child.pid).stop();
  const rss = sampleRss(instance.child.pid);
  const started = performance.now();
  const today = new Date().toISOString().slice(0, 10);
  const response = await fetch(
    `${instance.url}/api/v1/reports/patients?format=csv&detail=rows&from=1990-01-01&to=${today}`,
    { headers: bearer(token) },
  );
  let rows = 0;
  if (response.ok && response.body) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      for (const byte of chunk) if (byte === 10) rows += 1;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const peakRssMb = rss.stop();
  return {
    name: 'report-csv',
    description: `row-level patients CSV (${rows.toLocaleString('en-US')} lines), rows per second`,
    throughput: Math.round(rows / seconds),
    errors: response.ok ? 0 : 1,
    peakRssMb,
    notes: response.ok
      ? `RSS ${startingRssMb} MB before the download`
      : `answered ${response.status}: ${(await response.text()).slice(0, 200)}`,
  };
}
