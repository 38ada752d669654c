import pg from 'pg';
import { SESSION_SETTINGS } from '../../src/db/postgres.js';
import type { InProcessMediSys } from './in-process.js';
import { median, round } from './stats.js';
import { recordStatements } from './sql-recorder.js';

export type SearchShape = 'common' | 'rare' | 'threeCharacters' | 'mrn' | 'phone';

/**
 * Database time of one search as MediSys runs it: the statements the route sends (recorded), each
 * EXPLAIN ANALYZEd on a connection with MediSys's session settings; planning plus execution, summed. The median of three runs per term; the slowest
 * term of each shape is reported.
 */
export async function searchDatabaseTimes(
  app: InProcessMediSys,
  token: string,
  databaseUrl: string,
  terms: Record<SearchShape, readonly string[]>,
): Promise<Record<SearchShape, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(SESSION_SETTINGS);
  try {
    const result = {} as Record<SearchShape, number>;
    for (const [shape, shapeTerms] of Object.entries(terms) as [SearchShape, readonly string[]][]) {
      let slowest = 0;
      for (const term of shapeTerms) {
        const statements = await recordStatements(async () => {
          const response = await app.app.api.inject({
            method: 'GET',
            url: `/api/v1/patients?q=${encodeURIComponent(term)}&limit=20`,
            headers: { authorization: `Bearer ${token}` },
          });
          if (response.statusCode !== 200) {
            throw new Error(`search for "${term}" answered ${response.statusCode}: ${response.body}`);
          }
        });
        const searches = statements.filter((statement) => /\bFROM patients\b/i.test(statement.text));
        if (searches.length === 0) throw new Error(`no patients query recorded for "${term}"`);
        const runs: number[] = [];
        for (let run = 0; run < 3; run += 1) {
          let total = 0;
          for (const statement of searches) {
            const explained = await client.query<{
              'QUERY PLAN': [{ 'Planning Time': number; 'Execution Time': number }];
            }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.text}`, [...statement.values]);
            const plan = explained.rows[0]!['QUERY PLAN'][0];
            total += plan['Planning Time'] + plan['Execution Time'];
          }
          runs.push(total);
        }
        slowest = Math.max(slowest, median(runs));
      }
      result[shape] = round(slowest);
    }
    return result;
  } finally {
    await client.end();
  }
}
