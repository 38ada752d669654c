import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { guardedSetting, plainSqlChecker, portableSql, sniffFormat } from './plain-sql.js';

async function throughPortable(chunks: string[]): Promise<string> {
  let out = '';
  for await (const chunk of Readable.from(chunks.map((text) => Buffer.from(text))).pipe(portableSql()))
    out += (chunk as Buffer).toString();
  return out;
}

const DUMP = [
  '--',
  '-- PostgreSQL database dump',
  '--',
  '',
  'SET statement_timeout = 0;',
  'SET transaction_timeout = 0;',
  "SET client_encoding = 'UTF8';",
  "SELECT pg_catalog.set_config('search_path', '', false);",
  '',
  'CREATE TABLE public.notes (body text);',
  "INSERT INTO public.notes VALUES ('line one",
  'SET transaction_timeout = 0;',
  "');",
  '',
].join('\n');

describe('plain-SQL dumps for an older server', () => {
  it('turns a setting into a set_config that runs only where the server knows it', () => {
    expect(guardedSetting('SET transaction_timeout = 0;')).toBe(
      "SELECT pg_catalog.set_config(name, '0', false) FROM pg_catalog.pg_settings WHERE name = 'transaction_timeout';",
    );
    expect(guardedSetting("SET default_tablespace = '';")).toContain("set_config(name, '', false)");
    expect(guardedSetting('CREATE TABLE t (a int);')).toBe('CREATE TABLE t (a int);');
  });

  it('rewrites the preamble only, never data that happens to look like a setting', async () => {
    const out = await throughPortable([DUMP]);
    const lines = out.split('\n');
    expect(lines[5]).toContain("WHERE name = 'transaction_timeout'");
    expect(lines[6]).toContain("set_config(name, 'UTF8', false)");
    expect(lines.slice(9).join('\n')).toBe(DUMP.split('\n').slice(9).join('\n'));
  });

  it('gives the same result however the stream is cut, also inside a multi-byte character', async () => {
    const text = `${DUMP.replace('line one', 'Zoë Müller')}`;
    const bytes = Buffer.from(text);
    const whole = await throughPortable([text]);
    for (const cut of [1, 7, 60, 95, bytes.indexOf(Buffer.from('ë')) + 1]) {
      let out = '';
      const parts = [bytes.subarray(0, cut), bytes.subarray(cut)];
      for await (const chunk of Readable.from(parts).pipe(portableSql())) out += (chunk as Buffer).toString();
      expect(out).toBe(whole);
    }
  });

  it('tells a custom archive from plain SQL and from anything else', () => {
    expect(sniffFormat(Buffer.from('PGDMP\u0001\u000e\u0000'))).toBe('pg_dump-custom');
    expect(sniffFormat(Buffer.from(DUMP))).toBe('pg_dump-plain-sql');
    expect(sniffFormat(Buffer.from('hello'))).toBeUndefined();
  });

  it('accepts only a dump that pg_dump finished', () => {
    const finished = plainSqlChecker();
    finished.push(Buffer.from(`${DUMP}--\n-- PostgreSQL database dump complete\n--\n\n`));
    expect(finished.complete()).toBe(true);
    const cut = plainSqlChecker();
    cut.push(Buffer.from(DUMP));
    expect(cut.complete()).toBe(false);
  });
});
