import type { Database } from '../../db/index.js';
import { NotFoundError } from '../../shared/errors.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import {
  findDuplicatePairs,
  findDuplicatesOf,
  patientExists,
  type DuplicateCandidateRecord,
  type DuplicatePairRecord,
} from './patient-duplicates.repository.js';
import {
  DEFAULT_SCAN,
  type DuplicatePairsInput,
  type DuplicatesOfInput,
} from './patient-duplicates.schemas.js';

export interface DuplicatePairPage {
  readonly items: DuplicatePairRecord[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly scannedPatients: number;
  readonly complete: boolean;
}

export interface DuplicateCandidatePage {
  readonly items: DuplicateCandidateRecord[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

/**
 * Likely duplicate patient records (a similar name and the same date of birth or phone), for the
 * people who merge them. Listing them shows patient data, so every listing is audited.
 */
export class PatientDuplicatesService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
  ) {}

  async pairs(query: DuplicatePairsInput, context: RequestContext): Promise<DuplicatePairPage> {
    const criteria = {
      scan: query.scan ?? DEFAULT_SCAN,
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    };
    return this.db.transaction(async (tx) => {
      const found = await findDuplicatePairs(tx, criteria);
      await this.audit.record(tx, context, {
        action: 'PATIENT_DUPLICATES_LISTED',
        entityType: 'patient',
        details: {
          resultCount: found.items.length,
          patientIds: found.items.flatMap((pair) => [pair.first.id, pair.second.id]),
        },
      });
      return {
        items: found.items,
        total: found.total,
        limit: criteria.limit,
        offset: criteria.offset,
        scannedPatients: found.scanned,
        complete: found.complete,
      };
    });
  }

  async of(
    patientId: string,
    query: DuplicatesOfInput,
    context: RequestContext,
  ): Promise<DuplicateCandidatePage> {
    const page = { limit: query.limit ?? 50, offset: query.offset ?? 0 };
    return this.db.transaction(async (tx) => {
      if (!(await patientExists(tx, patientId))) throw new NotFoundError('There is no patient with this id.');
      const found = await findDuplicatesOf(tx, patientId, page);
      await this.audit.record(tx, context, {
        action: 'PATIENT_DUPLICATES_LISTED',
        entityType: 'patient',
        entityId: patientId,
        patientId,
        details: { resultCount: found.items.length, patientIds: found.items.map((item) => item.patient.id) },
      });
      return { ...found, ...page };
    });
  }
}
