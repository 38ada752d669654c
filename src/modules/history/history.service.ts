import type { Database, Transaction } from '../../db/index.js';
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
  type FieldError,
} from '../../shared/errors.js';
import { runIdempotent, type IdempotentRequest, type StoredResponse } from '../../shared/idempotency.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import type { ClinicalAccess } from './clinical-access.js';
import { contentProblems, timelineCriteria } from './history-rules.js';
import {
  findEntry,
  findPatientHeader,
  findTimeline,
  findVersions,
  insertEntry,
  insertVersion,
  lockEntry,
  markEnteredInError,
  reassignEntries,
  setCurrentVersion,
  type EntryContent,
  type EntryRecord,
  type EntryVersionRecord,
  type PatientHeader,
} from './history.repository.js';
import type { AddEntryInput, AmendEntryInput } from './history.schemas.js';
import type { TimelineFilter } from './history-rules.js';

export interface TimelinePage {
  readonly patient: PatientHeader;
  readonly items: EntryRecord[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface HistoryExport {
  readonly patient: PatientHeader;
  readonly entries: EntryRecord[];
  readonly generatedAt: Date;
  readonly generatedBy: string;
  readonly timeZone: string;
}

/** Most entries one PDF export holds; a longer history is exported by period. */
export const EXPORT_MAX_ENTRIES = 5_000;

function actorId(context: RequestContext): string {
  if (!context.actor) throw new Error('history changes need a signed-in actor');
  return context.actor.userId;
}

function throwIfProblems(message: string, problems: FieldError[]): void {
  if (problems.length > 0) throw new ValidationError(message, problems);
}

/**
 * The medical history: typed entries whose amendments add versions (the old ones stay readable), marked
 * "entered in error" instead of deleted. Every read passes ClinicalAccess and every read and change is
 * audited in its own transaction.
 */
export class HistoryService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly access: ClinicalAccess,
    private readonly timeZone: string,
  ) {}

  async timeline(patientId: string, filter: TimelineFilter, context: RequestContext): Promise<TimelinePage> {
    const criteria = timelineCriteria(
      patientId,
      filter,
      this.timeZone,
      filter.limit ?? 50,
      filter.offset ?? 0,
    );
    return this.access.guard(context, () =>
      this.db.transaction(async (tx) => {
        const patient = await this.readablePatient(tx, context, patientId);
        const { items, total } = await findTimeline(tx, criteria);
        await this.audit.record(tx, context, {
          action: 'PATIENT_HISTORY_VIEWED',
          entityType: 'patient',
          entityId: patientId,
          patientId,
          details: { resultCount: items.length, type: filter.type ?? null },
        });
        return { patient, items, total, limit: criteria.limit, offset: criteria.offset };
      }),
    );
  }

  async entry(patientId: string, entryId: string, context: RequestContext): Promise<EntryRecord> {
    return this.access.guard(context, () =>
      this.db.transaction(async (tx) => {
        await this.readablePatient(tx, context, patientId);
        const entry = await findEntry(tx, patientId, entryId);
        if (!entry) throw new NotFoundError('This patient has no history entry with this id.');
        await this.audit.record(tx, context, {
          action: 'HISTORY_ENTRY_VIEWED',
          entityType: 'history_entry',
          entityId: entryId,
          patientId,
        });
        return entry;
      }),
    );
  }

  async versions(
    patientId: string,
    entryId: string,
    context: RequestContext,
  ): Promise<{ entryId: string; currentVersion: number; items: EntryVersionRecord[] }> {
    return this.access.guard(context, () =>
      this.db.transaction(async (tx) => {
        await this.readablePatient(tx, context, patientId);
        const entry = await findEntry(tx, patientId, entryId);
        if (!entry) throw new NotFoundError('This patient has no history entry with this id.');
        const items = await findVersions(tx, entryId);
        await this.audit.record(tx, context, {
          action: 'HISTORY_ENTRY_VERSIONS_VIEWED',
          entityType: 'history_entry',
          entityId: entryId,
          patientId,
          details: { versionCount: items.length },
        });
        return { entryId, currentVersion: entry.version, items };
      }),
    );
  }

  async add(
    patientId: string,
    input: AddEntryInput,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<EntryRecord>> {
    const content: EntryContent = {
      recordedAt: input.recordedAt ? new Date(input.recordedAt).toISOString() : new Date().toISOString(),
      text: input.text?.trim() || null,
      icd10Code: input.icd10Code ?? null,
      severity: input.severity ?? null,
      vitals: input.vitals ?? null,
    };
    throwIfProblems('The history entry is not valid.', contentProblems(input.type, content, new Date()));
    const userId = actorId(context);
    return this.access.guard(context, () =>
      this.db.transaction((tx) =>
        runIdempotent(tx, idempotency, async () => {
          await this.writablePatient(tx, context, patientId);
          const entryId = await insertEntry(tx, patientId, input.type, userId);
          await insertVersion(tx, entryId, 1, content, userId, null);
          await this.audit.record(tx, context, {
            action: 'HISTORY_ENTRY_ADDED',
            entityType: 'history_entry',
            entityId: entryId,
            patientId,
            details: { type: input.type },
          });
          return { status: 201, body: (await findEntry(tx, patientId, entryId))! };
        }),
      ),
    );
  }

  async amend(
    patientId: string,
    entryId: string,
    expectedVersion: number,
    input: AmendEntryInput,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<EntryRecord>> {
    const { reason, ...changes } = input;
    if (Object.keys(changes).length === 0) {
      throw new ValidationError('An amendment changes at least one field besides the reason.', [
        { field: 'body', message: 'name at least one of recordedAt, text, icd10Code, severity, vitals' },
      ]);
    }
    const userId = actorId(context);
    return this.access.guard(context, () =>
      this.db.transaction((tx) =>
        runIdempotent(tx, idempotency, async () => {
          await this.writablePatient(tx, context, patientId);
          const lock = await lockEntry(tx, patientId, entryId);
          if (!lock) throw new NotFoundError('This patient has no history entry with this id.');
          if (lock.enteredInError)
            throw new ConflictError('This entry is marked entered in error and can no longer be amended.');
          if (lock.currentVersion !== expectedVersion) {
            throw new PreconditionFailedError(
              `The entry was amended by someone else (now version ${lock.currentVersion}, you amended version ${expectedVersion}). Reload it and amend again.`,
            );
          }
          const current = (await findEntry(tx, patientId, entryId))!;
          const content: EntryContent = {
            recordedAt: changes.recordedAt ? new Date(changes.recordedAt).toISOString() : current.recordedAt,
            text: changes.text === undefined ? current.text : changes.text?.trim() || null,
            icd10Code: changes.icd10Code === undefined ? current.icd10Code : changes.icd10Code,
            severity: changes.severity === undefined ? current.severity : changes.severity,
            vitals: changes.vitals === undefined ? current.vitals : changes.vitals,
          };
          throwIfProblems(
            'The amended entry is not valid.',
            contentProblems(current.type, content, new Date()),
          );
          const version = lock.currentVersion + 1;
          await insertVersion(tx, entryId, version, content, userId, reason.trim());
          await setCurrentVersion(tx, entryId, version);
          await this.audit.record(tx, context, {
            action: 'HISTORY_ENTRY_AMENDED',
            entityType: 'history_entry',
            entityId: entryId,
            patientId,
            details: { fields: Object.keys(changes), version },
          });
          return { status: 200, body: (await findEntry(tx, patientId, entryId))! };
        }),
      ),
    );
  }

  async markEnteredInError(
    patientId: string,
    entryId: string,
    reason: string,
    expectedVersion: number | undefined,
    context: RequestContext,
  ): Promise<EntryRecord> {
    const userId = actorId(context);
    return this.access.guard(context, () =>
      this.db.transaction(async (tx) => {
        await this.writablePatient(tx, context, patientId);
        const lock = await lockEntry(tx, patientId, entryId);
        if (!lock) throw new NotFoundError('This patient has no history entry with this id.');
        if (lock.enteredInError) throw new ConflictError('This entry is already marked entered in error.');
        if (expectedVersion !== undefined && lock.currentVersion !== expectedVersion) {
          throw new PreconditionFailedError(
            `The entry was amended since you read it (now version ${lock.currentVersion}). Reload it first.`,
          );
        }
        await markEnteredInError(tx, entryId, reason.trim(), userId);
        await this.audit.record(tx, context, {
          action: 'HISTORY_ENTRY_MARKED_IN_ERROR',
          entityType: 'history_entry',
          entityId: entryId,
          patientId,
        });
        return (await findEntry(tx, patientId, entryId))!;
      }),
    );
  }

  /** The data of a PDF export, read and audited in one transaction before the document is streamed. */
  async exportData(
    patientId: string,
    filter: Pick<TimelineFilter, 'type' | 'from' | 'to'>,
    context: RequestContext,
  ): Promise<HistoryExport> {
    const criteria = timelineCriteria(patientId, filter, this.timeZone, EXPORT_MAX_ENTRIES, 0);
    return this.access.guard(context, () =>
      this.db.transaction(async (tx) => {
        const patient = await this.readablePatient(tx, context, patientId);
        const { items, total } = await findTimeline(tx, criteria);
        if (total > EXPORT_MAX_ENTRIES) {
          throw new ValidationError(
            `The history holds ${total} entries; export at most ${EXPORT_MAX_ENTRIES} at a time by choosing from and to.`,
            [{ field: 'from', message: 'narrow the period' }],
          );
        }
        await this.audit.record(tx, context, {
          action: 'PATIENT_HISTORY_EXPORTED',
          entityType: 'patient',
          entityId: patientId,
          patientId,
          details: { format: 'pdf', entryCount: items.length, type: filter.type ?? null },
        });
        return {
          patient,
          entries: items,
          generatedAt: new Date(),
          generatedBy: context.actor?.username ?? 'system',
          timeZone: this.timeZone,
        };
      }),
    );
  }

  /**
   * Moves a temporary patient's entries to the registered patient it turned out to be, in the caller's
   * transaction (the identification of an unknown emergency patient). Returns how many moved.
   */
  async movePatientRecords(
    tx: Transaction,
    fromPatientId: string,
    toPatientId: string,
    context: RequestContext,
  ): Promise<number> {
    const moved = await reassignEntries(tx, fromPatientId, toPatientId);
    if (moved.length > 0) {
      await this.audit.record(tx, context, {
        action: 'HISTORY_ENTRIES_REASSIGNED',
        entityType: 'patient',
        entityId: toPatientId,
        patientId: toPatientId,
        details: { fromPatientId, entryIds: moved },
      });
    }
    return moved.length;
  }

  private async readablePatient(
    tx: Transaction,
    context: RequestContext,
    patientId: string,
  ): Promise<PatientHeader> {
    const patient = await findPatientHeader(tx, patientId);
    if (!patient) throw new NotFoundError('There is no patient with this id.');
    await this.access.assertCanReadClinical(context, patientId, tx, 'history:read');
    return patient;
  }

  private async writablePatient(
    tx: Transaction,
    context: RequestContext,
    patientId: string,
  ): Promise<PatientHeader> {
    const patient = await findPatientHeader(tx, patientId);
    if (!patient) throw new NotFoundError('There is no patient with this id.');
    await this.access.assertCanWriteClinical(context, patientId, tx);
    if (patient.mergedIntoPatientId) {
      throw new ConflictError(
        `This temporary record was merged into patient ${patient.mergedIntoPatientId}; write to that record.`,
      );
    }
    if (patient.archived) {
      throw new ConflictError('This patient record is archived; restore it before adding to its history.');
    }
    return patient;
  }
}
