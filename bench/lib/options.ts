import { parseArgs } from 'node:util';

export interface BenchOptions {
  readonly quick: boolean;
  readonly patients: number;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly reload: boolean;
  readonly only: readonly string[];
  readonly resultsDir: string;
}

export const USAGE = `npm run bench -- [--quick] [--patients N] [--reload] [--only a,b] [--database-url URL] [--redis-url URL]

  --quick           a few-minute smoke run on a small dataset (50,000 patients)
  --patients N      patients to load (default 1,000,000; 10,000,000 for the large run)
  --reload          drop the bench database and load it again
  --only a,b        run only these scenarios (names as in the table)
  --database-url    PostgreSQL server database for the benchmark (default postgres://postgres@127.0.0.1:5432/medisys_bench;
                    it is created if missing and is never the tests' database)
  --redis-url       Redis for the cached scenarios (default redis://127.0.0.1:6379/15)`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      patients: { type: 'string' },
      reload: { type: 'boolean', default: false },
      only: { type: 'string' },
      'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/medisys_bench' },
      'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379/15' },
      'results-dir': { type: 'string', default: 'bench/results' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const patients = Number((values.patients ?? (values.quick ? '50000' : '1000000')).replace(/_/g, ''));
  if (!Number.isInteger(patients) || patients < 1000) {
    throw new Error(`--patients must be a whole number of at least 1000, not "${values.patients}"`);
  }
  return {
    quick: values.quick ?? false,
    patients,
    databaseUrl: values['database-url'],
    redisUrl: values['redis-url'],
    reload: values.reload ?? false,
    only: values.only ? values.only.split(',').map((name) => name.trim()) : [],
    resultsDir: values['results-dir'],
  };
}
