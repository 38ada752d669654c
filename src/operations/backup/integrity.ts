import { Readable } from 'node:stream';
import type { BackupFormat } from './backup-files.js';
import { plainSqlChecker, sniffFormat } from './plain-sql.js';
import { runTool } from './processes.js';
import { allOrCause, feedUntilClosed, type Producer } from './streams.js';

const HEAD_BYTES = 64;

/**
 * Reads a decrypted backup to its very end and proves it restorable: a custom archive must satisfy
 * `pg_restore --list`, a plain-SQL dump must end with pg_dump's completion line. gpg's own integrity
 * check at the end of the stream catches corruption and truncation of the encrypted file.
 */
export async function inspectDecrypted(
  decrypted: Producer,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BackupFormat> {
  const iterator = decrypted.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head = Buffer.alloc(0);
  let finished = false;
  while (head.length < HEAD_BYTES && !finished) {
    const next = await iterator.next();
    if (next.done) finished = true;
    else head = Buffer.concat([head, next.value]);
  }
  const rest = Readable.from(
    (async function* (): AsyncGenerator<Buffer> {
      yield head;
      if (finished) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    })(),
  );
  const format = sniffFormat(head);
  if (format === 'pg_dump-custom') {
    const list = runTool('pg_restore', ['--list'], env);
    list.child.stdout!.resume();
    // pg_restore --list stops after the table of contents; the rest is still decrypted to the end.
    await allOrCause([feedUntilClosed(rest, list.child.stdin!)], [decrypted.done, list.done]);
    return format;
  }
  if (format === 'pg_dump-plain-sql') {
    const checker = plainSqlChecker();
    await Promise.all([
      (async (): Promise<void> => {
        for await (const chunk of rest) checker.push(chunk as Buffer);
      })(),
      decrypted.done,
    ]);
    if (!checker.complete()) throw new Error('the SQL dump ends before pg_dump finished it');
    return format;
  }
  rest.resume();
  await decrypted.done;
  throw new Error('it holds neither a pg_dump archive nor a plain-SQL dump');
}
