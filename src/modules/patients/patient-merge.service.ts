import { cacheNamespaces, type CachedReads } from '../../cache/index.js';
import type { Database, Transaction } from '../../db/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.js';
import { runIdempotent, type IdempotentRequest, type StoredResponse } from '../../shared/idempotency.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import { findPatientLinks, moveLinkedRows, moveRowsBack, type MovedLink } from './patient-merge.links.js';
import {
  archiveAsMerged,
  findPatientMerge,
  findPatientMerges,
  insertPatientMerge,
  lockMergePatients,
  lockPatientMerge,
  markPatientMergeUndone,
  patientRowSnapshot,
  restoreFromMerge,
  type MergePatientState,
  type PatientMergeRecord,
} from './patient-merge.repository.js';
import {
  endDuplicateCareTeamMemberships,
  refuseOverlappingAppointments,
  refuseTwoOpenAdmissions,
  reopenCareTeamMemberships,
  restoreProfilePhoto,
  reviveTwinCoverages,
  supersedeTwinCoverages,
  yieldProfilePhoto,
} from './patient-merge.rules.js';
import type { MergePatientsInput, PatientMergeListInput } from './patient-merge.schemas.js';

export interface PatientMergePage {
  readonly items: PatientMergeRecord[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

function actorId(context: RequestContext): string {
  if (!context.actor) throw new Error('patient merges need a signed-in actor');
  return context.actor.userId;
}

function refuseUnmergeable(patient: MergePatientState, role: 'surviving' | 'merged'): void {
  if (patient.mergedIntoPatientId) {
    throw new ConflictError(
      role === 'surviving'
        ? `The surviving record was itself merged into patient ${patient.mergedIntoPatientId}; merge into that record instead.`
        : `This record was already merged into patient ${patient.mergedIntoPatientId}; undo that merge first if it was wrong.`,
    );
  }
  if (patient.archived) {
    throw new ConflictError(`The ${role} patient record is archived; restore it before merging.`);
  }
}

/**
 * The patient rows a merge or its undo changes: both records, and records merged earlier into the
 * duplicate (their merged_into_patient_id is one of the moved links, and moving it bumps their version).
 */
function changedPatients(survivorId: string, mergedId: string, links: readonly MovedLink[]): string[] {
  const ids = [survivorId, mergedId];
  for (const link of links) {
    if (link.schema !== 'public' || link.table !== 'patients') continue;
    for (const key of link.keys) if (typeof key['id'] === 'string') ids.push(key['id']);
  }
  return ids;
}

function movedCounts(record: PatientMergeRecord): Record<string, number> {
  return Object.fromEntries(record.moved.map((entry) => [`${entry.table}.${entry.column}`, entry.count]));
}

/**
 * Merges of duplicate patient records and their undo. A merge moves every record that points at the
 * duplicate (every foreign key to patients, found in the catalog) to the surviving record and archives
 * the duplicate; its snapshot lists the moved rows so that an undo moves back exactly those. Both run
 * in one transaction with both patient rows locked; audit_events keeps its patient ids (append-only).
 */
export class PatientMergeService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly cache: CachedReads,
  ) {}

  async merge(
    input: MergePatientsInput,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<PatientMergeRecord>> {
    const userId = actorId(context);
    const reason = input.reason.trim();
    if (reason === '') {
      throw new ValidationError('The reason is empty.', [{ field: 'reason', message: 'must not be blank' }]);
    }
    const { survivorId, mergedId } = input;
    if (survivorId === mergedId) {
      throw new ValidationError('A patient record cannot be merged into itself.', [
        { field: 'mergedId', message: 'must differ from survivorId' },
      ]);
    }
    let changed: string[] = [];
    const result = await this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        const states = await lockMergePatients(tx, survivorId, mergedId);
        const survivor = states.find((state) => state.id === survivorId);
        const merged = states.find((state) => state.id === mergedId);
        if (!survivor || !merged) {
          throw new ValidationError('The merge names an unknown patient.', [
            ...(survivor ? [] : [{ field: 'survivorId', message: 'no patient has this id' }]),
            ...(merged ? [] : [{ field: 'mergedId', message: 'no patient has this id' }]),
          ]);
        }
        refuseUnmergeable(survivor, 'surviving');
        refuseUnmergeable(merged, 'merged');
        await refuseOverlappingAppointments(tx, survivorId, mergedId);
        await refuseTwoOpenAdmissions(tx, survivorId, mergedId);

        const patient = await patientRowSnapshot(tx, mergedId);
        const profilePhotoDocumentIds = await yieldProfilePhoto(tx, survivorId, mergedId);
        const endedCareTeamMembershipIds = await endDuplicateCareTeamMemberships(
          tx,
          survivorId,
          mergedId,
          userId,
        );
        const supersededCoverageIds = await supersedeTwinCoverages(tx, survivorId, mergedId, userId);
        const links: MovedLink[] = [];
        for (const link of await findPatientLinks(tx)) {
          links.push(await moveLinkedRows(tx, link, mergedId, survivorId, userId));
        }
        await archiveAsMerged(tx, mergedId, survivorId, userId);
        const id = await insertPatientMerge(tx, {
          survivorId,
          mergedId,
          reason,
          snapshot: {
            format: 1,
            patient,
            links,
            profilePhotoDocumentIds,
            endedCareTeamMembershipIds,
            supersededCoverageIds,
          },
          userId,
        });
        const record = (await findPatientMerge(tx, id))!;
        await this.recordBoth(tx, context, 'PATIENT_MERGED', record, movedCounts(record));
        changed = changedPatients(survivorId, mergedId, links);
        return { status: 201, body: record };
      }),
    );
    await this.cache.invalidate(changed.map(cacheNamespaces.patient));
    return result;
  }

  async undo(id: string, context: RequestContext): Promise<PatientMergeRecord> {
    const userId = actorId(context);
    let changed: string[] = [];
    const undone = await this.db.transaction(async (tx) => {
      const merge = await lockPatientMerge(tx, id);
      if (!merge) throw new NotFoundError('There is no patient merge with this id.');
      if (merge.undoneAt) {
        throw new ConflictError(
          `This merge was already undone at ${new Date(merge.undoneAt).toISOString()}; it cannot be undone twice.`,
        );
      }
      const states = await lockMergePatients(tx, merge.survivorId, merge.mergedId);
      const survivor = states.find((state) => state.id === merge.survivorId)!;
      const merged = states.find((state) => state.id === merge.mergedId)!;
      if (survivor.mergedIntoPatientId) {
        throw new ConflictError(
          `The surviving patient has since been merged into patient ${survivor.mergedIntoPatientId}; undo that later merge first.`,
        );
      }
      if (merged.mergedIntoPatientId !== merge.survivorId) {
        throw new ConflictError(
          'The merged record no longer points at the surviving patient; nothing was changed.',
        );
      }
      const current = new Map(
        (await findPatientLinks(tx)).map((link) => [`${link.schema}.${link.table}.${link.column}`, link]),
      );
      for (const moved of merge.snapshot.links) {
        const link = current.get(`${moved.schema}.${moved.table}.${moved.column}`);
        if (!link) {
          if (moved.keys.length === 0) continue;
          throw new ConflictError(
            `${moved.table}.${moved.column} no longer refers to patients, so its moved records cannot be moved back. Nothing was changed.`,
          );
        }
        await moveRowsBack(tx, link, moved, merge.survivorId, merge.mergedId, userId);
      }
      const archivedAtBefore = merge.snapshot.patient['archived_at'];
      await restoreFromMerge(
        tx,
        merge.mergedId,
        merge.survivorId,
        typeof archivedAtBefore === 'string' ? archivedAtBefore : null,
        userId,
      );
      await restoreProfilePhoto(tx, merge.mergedId, merge.snapshot.profilePhotoDocumentIds);
      await reopenCareTeamMemberships(tx, merge.mergedId, merge.snapshot.endedCareTeamMembershipIds);
      await reviveTwinCoverages(tx, merge.mergedId, merge.snapshot.supersededCoverageIds ?? [], userId);
      await markPatientMergeUndone(tx, id, userId);
      const record = (await findPatientMerge(tx, id))!;
      await this.recordBoth(tx, context, 'PATIENT_MERGE_UNDONE', record, movedCounts(record));
      changed = changedPatients(merge.survivorId, merge.mergedId, merge.snapshot.links);
      return record;
    });
    await this.cache.invalidate(changed.map(cacheNamespaces.patient));
    return undone;
  }

  /**
   * Moves one patient record's appointments to another in the caller's transaction, as a merge moves
   * them: refused (409, nothing changed) when an active appointment of each overlaps, since a patient is
   * booked once at a time; the rows keep their history and get a new version. Used when an unknown
   * emergency patient is identified (the caller holds both patient rows FOR UPDATE). Audited under the
   * receiving patient with the ids moved; returns how many moved.
   */
  async moveAppointments(
    tx: Transaction,
    fromPatientId: string,
    toPatientId: string,
    context: RequestContext,
  ): Promise<number> {
    await refuseOverlappingAppointments(tx, toPatientId, fromPatientId, 'identify the patient again');
    const link = (await findPatientLinks(tx)).find(
      (candidate) =>
        candidate.schema === 'public' &&
        candidate.table === 'appointments' &&
        candidate.column === 'patient_id',
    );
    if (!link) throw new Error('appointments.patient_id is not a foreign key to patients');
    const moved = await moveLinkedRows(tx, link, fromPatientId, toPatientId, actorId(context));
    const appointmentIds = moved.keys.map((key) => key['id']);
    if (appointmentIds.length > 0) {
      await this.audit.record(tx, context, {
        action: 'APPOINTMENTS_REASSIGNED',
        entityType: 'patient',
        entityId: toPatientId,
        patientId: toPatientId,
        details: { fromPatientId, appointmentIds },
      });
    }
    return appointmentIds.length;
  }

  async get(id: string, context: RequestContext): Promise<PatientMergeRecord> {
    return this.db.transaction(async (tx) => {
      const record = await findPatientMerge(tx, id);
      if (!record) throw new NotFoundError('There is no patient merge with this id.');
      await this.audit.record(tx, context, {
        action: 'PATIENT_MERGE_VIEWED',
        entityType: 'patient_merge',
        entityId: id,
        details: { survivorId: record.survivorId, mergedId: record.mergedId },
      });
      return record;
    });
  }

  async list(query: PatientMergeListInput, context: RequestContext): Promise<PatientMergePage> {
    const criteria = {
      patientId: query.patientId,
      includeUndone: query.includeUndone ?? true,
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    };
    return this.db.transaction(async (tx) => {
      const { items, total } = await findPatientMerges(tx, criteria);
      await this.audit.record(tx, context, {
        action: 'PATIENT_MERGES_LISTED',
        entityType: 'patient_merge',
        ...(criteria.patientId ? { patientId: criteria.patientId } : {}),
        details: { resultCount: items.length, mergeIds: items.map((item) => item.id) },
      });
      return { items, total, limit: criteria.limit, offset: criteria.offset };
    });
  }

  /** One audit record per patient, so that each record's own trail shows the merge. */
  private async recordBoth(
    tx: Transaction,
    context: RequestContext,
    action: 'PATIENT_MERGED' | 'PATIENT_MERGE_UNDONE',
    record: PatientMergeRecord,
    moved: Record<string, number>,
  ): Promise<void> {
    for (const [patientId, side] of [
      [record.survivorId, 'survivor'],
      [record.mergedId, 'merged'],
    ] as const) {
      await this.audit.record(tx, context, {
        action,
        entityType: 'patient_merge',
        entityId: record.id,
        patientId,
        details: { side, survivorId: record.survivorId, mergedId: record.mergedId, moved },
      });
    }
  }
}
