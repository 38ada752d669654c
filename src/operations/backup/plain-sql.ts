import { Transform } from 'node:stream';
import type { BackupFormat } from './backup-files.js';

const NEWLINE = 0x0a;
const SET_LINE = /^SET ([a-z_][a-z0-9_]*) = (.*);$/;
/** Lines of pg_dump's preamble: comments, blank lines and session settings, before the first object. */
const PREAMBLE_LINE = /^(--.*|\s*|SET .*|SELECT pg_catalog\.set_config\(.*)$/;

function literal(value: string): string {
  return /^'.*'$/s.test(value) ? value : `'${value.replaceAll("'", "''")}'`;
}

/** A `SET name = value;` line as a set_config that does nothing where the server does not know `name`. */
export function guardedSetting(line: string): string {
  const match = SET_LINE.exec(line);
  if (!match) return line;
  const [, name, value] = match;
  return (
    `SELECT pg_catalog.set_config(name, ${literal(value!)}, false) ` +
    `FROM pg_catalog.pg_settings WHERE name = '${name!}';`
  );
}

/**
 * Makes a newer server's plain-SQL dump restorable on an older one. pg_dump opens a dump with SET
 * lines for every setting its own version knows (PostgreSQL 17 added `transaction_timeout`, which 15
 * rejects); in that preamble each becomes a set_config that only runs where the target knows the
 * setting. Everything from the first object on passes through untouched.
 */
export function portableSql(): Transform {
  let pending = Buffer.alloc(0);
  let inPreamble = true;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback): void {
      if (!inPreamble) return callback(null, chunk);
      pending = Buffer.concat([pending, chunk]);
      const out: Buffer[] = [];
      let start = 0;
      let end = pending.indexOf(NEWLINE, start);
      while (end !== -1) {
        const line = pending.subarray(start, end).toString('utf8');
        if (!PREAMBLE_LINE.test(line)) {
          inPreamble = false;
          break;
        }
        out.push(Buffer.from(`${guardedSetting(line)}\n`));
        start = end + 1;
        end = pending.indexOf(NEWLINE, start);
      }
      const rest = pending.subarray(start);
      if (inPreamble) {
        pending = Buffer.from(rest);
        return callback(null, Buffer.concat(out));
      }
      pending = Buffer.alloc(0);
      callback(null, Buffer.concat([...out, rest]));
    },
    flush(callback): void {
      callback(
        null,
        inPreamble && pending.length > 0 ? Buffer.from(guardedSetting(pending.toString('utf8'))) : null,
      );
    },
  });
}

/** The format of a decrypted backup from its first bytes (`PGDMP` is the custom archive's magic). */
export function sniffFormat(head: Buffer): BackupFormat | undefined {
  if (head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'pg_dump-custom';
  if (/^--\r?\n-- PostgreSQL database dump/.test(head.subarray(0, 64).toString('utf8')))
    return 'pg_dump-plain-sql';
  return undefined;
}

/**
 * Watches a plain-SQL dump go by and tells whether pg_dump finished it: a dump cut short (disk full,
 * a crash) lacks the closing "PostgreSQL database dump complete" line.
 */
export function plainSqlChecker(): { push(chunk: Buffer): void; complete(): boolean } {
  let tail = '';
  return {
    push(chunk): void {
      tail = (tail + chunk.toString('latin1')).slice(-512);
    },
    complete: () => /-- PostgreSQL database dump complete\s*(--\s*)?$/.test(tail),
  };
}

/**
 * Runs before a plain-SQL restore into a database that has a schema already (PostgreSQL with --force,
 * a new embedded database made from the migrated template), in the same transaction: the dump has no
 * DROP statements, so the old contents go with the public schema, recreated as PostgreSQL 15+ makes it.
 */
export const REPLACE_PUBLIC_SCHEMA = [
  'SET client_min_messages = warning;',
  'DROP SCHEMA IF EXISTS public CASCADE;',
  'CREATE SCHEMA public AUTHORIZATION pg_database_owner;',
  'GRANT USAGE ON SCHEMA public TO PUBLIC;',
  '',
].join('\n');
