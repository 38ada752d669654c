import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { userName, userPassword } from './lib/dataset.js';
import { openInProcess, type InProcessMediSys } from './lib/in-process.js';
import { SEARCH_TERMS } from './lib/names.js';
import { parseOptions, USAGE } from './lib/options.js';
import { log } from './lib/progress.js';
import { ROOT } from './lib/processes.js';
import { machine, writeReport, type SearchCurvePoint } from './lib/report.js';
import type { Sample } from './lib/scenarios.js';
import { searchDatabaseTimes, type SearchShape } from './lib/search-time.js';
import { curvePoints, datasetFor, loadDataset, prepareDatabase } from './lib/setup.js';
import { runSuite } from './lib/suite.js';

async function signInInProcess(app: InProcessMediSys, username: string, password: string): Promise<string> {
  const response = await app.app.api.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
  });
  if (response.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${response.body}`);
  return response.json<{ token: string }>().token;
}

async function sampleOf(databaseUrl: string): Promise<Sample> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const patients = await client.query<{ id: string; mrn: string; phone: string }>(
      `SELECT id, mrn, phone FROM bench_patient_ids
        WHERE n % greatest(1, (SELECT count(*) FROM bench_patient_ids) / 10000) = 0 LIMIT 10000`,
    );
    const doctors = await client.query<{ id: string }>('SELECT id FROM bench_doctor_ids ORDER BY n');
    return {
      patientIds: patients.rows.map((row) => row.id),
      mrns: patients.rows.map((row) => row.mrn),
      phones: patients.rows.map((row) => row.phone),
      doctorIds: doctors.rows.map((row) => row.id),
    };
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
  const workDir = mkdtempSync(path.join(tmpdir(), 'medisys-bench-'));
  const size = datasetFor(options.patients, options.quick);
  log(
    `MediSys bench ${options.quick ? '(quick) ' : ''}at ${commit}: ${size.patients.toLocaleString('en-US')} patients`,
  );

  await prepareDatabase(options.databaseUrl, options.reload);
  const searchCurve: SearchCurvePoint[] = [];
  const measureCurve = async (patients: number): Promise<void> => {
    const sample = await sampleOf(options.databaseUrl);
    const app = await openInProcess(options.databaseUrl);
    try {
      const token = await signInInProcess(app, userName(0), userPassword(0));
      const terms: Record<SearchShape, readonly string[]> = {
        ...SEARCH_TERMS,
        mrn: sample.mrns.slice(0, 3),
        phone: sample.phones.slice(0, 3),
      };
      const databaseMs = await searchDatabaseTimes(app, token, options.databaseUrl, terms);
      searchCurve.push({ patients, databaseMs });
      log(
        `  search database time at ${patients.toLocaleString('en-US')} patients: ${JSON.stringify(databaseMs)}`,
      );
    } finally {
      await app.close();
    }
  };
  await loadDataset(options.databaseUrl, size, curvePoints(size.patients, options.quick), measureCurve);

  const pgVersion = execFileSync('psql', [options.databaseUrl, '-Atc', 'SHOW server_version'])
    .toString()
    .trim();
  const suite = await runSuite({
    options,
    workDir,
    sample: await sampleOf(options.databaseUrl),
    users: size.users,
  });
  const report = {
    startedAt,
    commit,
    quick: options.quick,
    machine: machine(`PostgreSQL ${pgVersion}`),
    dataset: { ...size },
    baselines: suite.baselines,
    scenarios: suite.scenarios,
    searchCurve,
    targets: suite.targets(searchCurve),
  };
  const written = writeReport(report, path.resolve(ROOT, options.resultsDir));
  log(`\nresults: ${path.relative(ROOT, written.json)} and ${path.relative(ROOT, written.markdown)}`);
  rmSync(workDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof Error && /must be|unknown option/i.test(error.message))
    process.stderr.write(`${USAGE}\n`);
  process.exit(1);
});
