import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DirectoryLockedError, EmbeddedDatabase } from '../../db/index.js';
import { BackupError } from './backup-error.js';
import { REPLACE_PUBLIC_SCHEMA } from './plain-sql.js';
import { readSnapshot, type DatabaseSnapshot } from './snapshot.js';
import { type EncryptedFile, type Producer, writeEncrypted } from './streams.js';

/** pg_dump options for the embedded database: portable to another server and its roles. */
const DUMP_ARGS = ['--no-owner', '--no-privileges', '--rows-per-insert=200'];

async function openForBackup(dataDir: string): Promise<EmbeddedDatabase> {
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    throw new BackupError(
      `There is no embedded database in ${dataDir}: start MediSys once to create it, or check data.dir.`,
    );
  }
  try {
    return await EmbeddedDatabase.open({ dataDir });
  } catch (error) {
    if (error instanceof DirectoryLockedError) {
      // PGlite has one connection and the running server holds it: a copy taken beside it would not
      // be consistent, so the backup waits for the server to stop rather than guess.
      throw new BackupError(
        `MediSys (pid ${error.holderPid}) is serving from the embedded database in ${dataDir}, which allows ` +
          'one process at a time. Stop it (systemctl stop medisys-app@1, or Ctrl+C), run the backup, then ' +
          'start it again. A PostgreSQL datasource can be backed up while MediSys serves.',
      );
    }
    throw error;
  }
}

/**
 * Dumps the embedded database as plain SQL (PGlite's pg_dump) and encrypts it into `file`. The dump
 * is held in memory, never on disk. The process holds the data folder's lock throughout, so nothing
 * writes between the counts and the dump.
 */
export async function dumpEmbedded(
  dataDir: string,
  file: string,
  passphraseFile: string,
  options: { env?: NodeJS.ProcessEnv; onProgress?: ((bytes: number) => void) | undefined },
): Promise<{ encrypted: EncryptedFile; snapshot: DatabaseSnapshot }> {
  const db = await openForBackup(dataDir);
  try {
    const snapshot = await readSnapshot(async <Row>(sql: string) => (await db.query<Row>(sql)).rows);
    const sql = await db.dumpSql(DUMP_ARGS);
    const encrypted = await writeEncrypted(
      file,
      passphraseFile,
      { stream: Readable.from([Buffer.from(sql, 'utf8')]), done: Promise.resolve() },
      options,
    );
    return { encrypted, snapshot };
  } finally {
    await db.close();
  }
}

/** Reads a decrypted plain-SQL backup whole (PGlite executes a script as one string). */
export async function readAll(decrypted: Producer): Promise<string> {
  const chunks: Buffer[] = [];
  await Promise.all([
    (async (): Promise<void> => {
      for await (const chunk of decrypted.stream) chunks.push(chunk as Buffer);
    })(),
    decrypted.done,
  ]);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Restores plain SQL into a new embedded database, in one implicit transaction: in memory (`dataDir`
 * undefined, for a deep verify) or in a new data folder. A failed restore removes the folder it started, so nothing
 * half-restored is left to be mistaken for a database.
 */
export async function restoreIntoEmbedded(
  sql: string,
  dataDir: string | undefined,
): Promise<DatabaseSnapshot> {
  if (dataDir && existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new BackupError(
      `${dataDir} is not empty. Restore into a new folder, then stop MediSys and swap it with <data.dir>/db.`,
    );
  }
  let db: EmbeddedDatabase | undefined;
  try {
    // A new embedded database starts from this build's initialised image (seconds, where initdb takes
    // half a minute); the dump then replaces everything MediSys keeps, which is the public schema.
    db = await EmbeddedDatabase.open(dataDir ? { dataDir } : {});
    await db.executeScript(`${REPLACE_PUBLIC_SCHEMA}${sql}`);
    const restored = db;
    return await readSnapshot(async <Row>(text: string) => (await restored.query<Row>(text)).rows);
  } catch (error) {
    await db?.close().catch(() => undefined);
    db = undefined;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw new BackupError(`Restore into the embedded database failed: ${(error as Error).message}`);
  } finally {
    await db?.close();
  }
}
