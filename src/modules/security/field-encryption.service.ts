import type { Database, Transaction } from '../../db/index.js';
import { sqlState } from '../../db/index.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import {
  countByKey,
  countPending,
  ENCRYPTED_COLUMNS,
  findRegisteredKeys,
  lockPendingBatch,
  registerKey,
  retireOtherKeys,
  storeSealedValues,
  type EncryptedColumn,
  type PendingValue,
  type PendingWork,
  type SealedValue,
} from './encrypted-columns.repository.js';
import type { EncryptedField, FieldCipher } from './field-cipher.js';
import { KeyFileError } from './key-file.js';

export interface EncryptionProgress {
  readonly field: EncryptedField;
  /** Values of this field done so far, and how many there were to do when the pass began. */
  readonly done: number;
  readonly total: number;
}

/** A value left as it was: re-encrypting it would break a uniqueness rule (two equal policy numbers). */
export interface EncryptionConflict {
  readonly field: EncryptedField;
  readonly id: string;
}

export interface EncryptionPassResult {
  readonly reencrypted: number;
  readonly conflicts: readonly EncryptionConflict[];
  /** Values still in plaintext or under an older key after the pass (conflicts, or written meanwhile). */
  readonly remaining: number;
  /** Values per key id (and `plaintext`) per field, after the pass. */
  readonly byKey: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Keys no value needs any more (retired in encryption_keys): their lines may leave the key file. */
  readonly retiredKeys: readonly string[];
}

export interface PassOptions {
  readonly batchSize?: number;
  readonly onProgress?: (progress: EncryptionProgress) => void;
}

const DEFAULT_BATCH_SIZE = 500;

/**
 * Keeps the stored values and the key file in step: checks at start that the key file holds every key
 * the database uses, encrypts plaintext left by migration 0017, and re-encrypts everything with the
 * newest key (`medisys security rotate-key`) in committed batches, so an interrupted run resumes.
 */
export class FieldEncryptionService {
  constructor(
    private readonly db: Database,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * Refuses a key file that lacks a key values are encrypted with, or holds another key under its id;
   * then records the active key as in use.
   */
  async checkKeyFile(): Promise<void> {
    for (const registered of await findRegisteredKeys(this.db)) {
      if (registered.retiredAt !== null) continue;
      if (!this.cipher.hasKey(registered.keyId)) {
        throw new KeyFileError(
          `The database holds values encrypted with key ${registered.keyId}, which is not in ${this.cipher.keyFile}. ` +
            'Every instance needs the same key file: copy it from the instance that made the key (or restore it from your key backup), or point security.encryption.key-file at it.',
        );
      }
      if (this.cipher.checkValue(registered.keyId) !== registered.checkValue) {
        throw new KeyFileError(
          `Key ${registered.keyId} in ${this.cipher.keyFile} is not the key of that id the database was encrypted with. Restore the right key file from your key backup.`,
        );
      }
    }
    await registerKey(this.db, this.cipher.activeKeyId, this.cipher.checkValue(this.cipher.activeKeyId));
  }

  /** Encrypts plaintext left by migration 0017 (at start: quick once done, partial indexes find none). */
  async encryptPlaintext(options: PassOptions = {}): Promise<EncryptionPassResult> {
    return this.pass('plaintext', options);
  }

  /** Re-encrypts every value with the active key; retires the other keys when nothing needs them. */
  async rotate(context: RequestContext, options: PassOptions = {}): Promise<EncryptionPassResult> {
    await this.checkKeyFile();
    const result = await this.pass('rotation', options);
    await this.audit.recordAlone(context, {
      action: 'ENCRYPTION_KEY_ROTATED',
      outcome: result.remaining === 0 ? 'success' : 'failure',
      entityType: 'encryption_key',
      entityId: this.cipher.activeKeyId,
      details: {
        reencrypted: result.reencrypted,
        remaining: result.remaining,
        conflicts: result.conflicts.length,
        retiredKeys: result.retiredKeys,
      },
    });
    return result;
  }

  /** Values per key id (and plaintext) per field. */
  async keyUsage(): Promise<Record<string, Record<string, number>>> {
    const usage: Record<string, Record<string, number>> = {};
    for (const column of ENCRYPTED_COLUMNS) {
      usage[column.field] = Object.fromEntries(await countByKey(this.db, column));
    }
    return usage;
  }

  private async pass(work: PendingWork, options: PassOptions): Promise<EncryptionPassResult> {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    const activeKeyId = this.cipher.activeKeyId;
    let reencrypted = 0;
    const conflicts: EncryptionConflict[] = [];
    for (const column of ENCRYPTED_COLUMNS) {
      const total = await countPending(this.db, column, work, activeKeyId);
      if (total === 0) continue;
      let done = 0;
      let afterId: string | null = null;
      for (;;) {
        const batch: { count: number; lastId: string | null } = await this.db.transaction(async (tx) => {
          const rows = await lockPendingBatch(tx, column, work, activeKeyId, afterId, batchSize);
          const sealed = rows.map((row) => this.reseal(column, row));
          conflicts.push(...(await this.store(tx, column, sealed)));
          return { count: rows.length, lastId: rows[rows.length - 1]?.id ?? null };
        });
        if (batch.count === 0) break;
        done += batch.count;
        reencrypted += batch.count;
        afterId = batch.lastId;
        options.onProgress?.({ field: column.field, done, total });
        if (batch.count < batchSize) break;
      }
    }
    reencrypted -= conflicts.length;
    let remaining = 0;
    for (const column of ENCRYPTED_COLUMNS)
      remaining += await countPending(this.db, column, work, activeKeyId);
    const retiredKeys =
      work === 'rotation' && remaining === 0
        ? [
            ...new Set([
              ...(await retireOtherKeys(this.db, activeKeyId)),
              ...this.cipher.keyIds().filter((keyId) => keyId !== activeKeyId),
            ]),
          ]
        : [];
    return { reencrypted, conflicts, remaining, byKey: await this.keyUsage(), retiredKeys };
  }

  private reseal(column: EncryptedColumn, row: PendingValue): SealedValue {
    const plaintext = row.plaintext ?? this.cipher.decrypt(column.field, row.encrypted!);
    return {
      id: row.id,
      encrypted: this.cipher.encrypt(column.field, plaintext),
      hash: column.hash ? this.cipher.searchHash(column.field, plaintext) : null,
    };
  }

  /**
   * Stores a batch in one statement. Should it break a unique index (old plaintext policy numbers that
   * differ only in case, spaces or dashes become equal hashes), each row is tried on its own and the
   * ones that collide are left as they were and reported.
   */
  private async store(
    tx: Transaction,
    column: EncryptedColumn,
    sealed: readonly SealedValue[],
  ): Promise<EncryptionConflict[]> {
    await tx.query('SAVEPOINT reseal_batch');
    try {
      await storeSealedValues(tx, column, sealed);
      await tx.query('RELEASE SAVEPOINT reseal_batch');
      return [];
    } catch (error) {
      if (sqlState(error) !== '23505') throw error;
      await tx.query('ROLLBACK TO SAVEPOINT reseal_batch');
    }
    const conflicts: EncryptionConflict[] = [];
    for (const value of sealed) {
      await tx.query('SAVEPOINT reseal_row');
      try {
        await storeSealedValues(tx, column, [value]);
        await tx.query('RELEASE SAVEPOINT reseal_row');
      } catch (error) {
        if (sqlState(error) !== '23505') throw error;
        await tx.query('ROLLBACK TO SAVEPOINT reseal_row');
        conflicts.push({ field: column.field, id: value.id });
      }
    }
    return conflicts;
  }
}
