import type { Database } from '../../db/index.js';
import { NotFoundError } from '../../shared/errors.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from './audit.service.js';
import {
  findPatientAccesses,
  findPatientHeading,
  type PatientAccessRecord,
  type PatientHeading,
} from './access-log.repository.js';

/** One line of the accounting: who, in which role, when, what, and why when it was an emergency access. */
export interface PatientAccessEntry extends PatientAccessRecord {
  readonly description: string;
}

export interface AccessLogPage {
  readonly patientId: string;
  readonly items: PatientAccessEntry[];
  readonly nextCursor: number | null;
}

export interface AccessLogExport {
  readonly patient: PatientHeading;
  readonly entries: PatientAccessEntry[];
  /** True when there were more accesses than a document lists (MAX_EXPORT_ENTRIES). */
  readonly truncated: boolean;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly generatedAt: Date;
  readonly generatedBy: string;
  readonly timeZone: string;
}

export interface AccessLogQuery {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly before?: number | undefined;
  readonly limit?: number | undefined;
}

/** Most accesses one PDF lists; a longer period is asked for in parts (from/to). */
export const MAX_EXPORT_ENTRIES = 10_000;

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  PATIENT_RECORD_VIEWED: 'Viewed the patient record',
  PATIENT_REGISTERED: 'Registered the patient',
  PATIENT_UPDATED: 'Changed the patient record',
  PATIENT_SEARCHED: 'Saw the patient in search results (name, date of birth, MRN)',
  PATIENT_HISTORY_VIEWED: 'Viewed the medical history',
  PATIENT_HISTORY_EXPORTED: 'Exported the medical history',
  BREAK_THE_GLASS: 'Opened emergency access to the record (break the glass)',
  PATIENT_ACCESS_LOG_VIEWED: 'Viewed this access log',
};

/** "HISTORY_ENTRY_VIEWED" → "History entry viewed", for actions without a sentence of their own. */
export function describeAction(action: string): string {
  const known = DESCRIPTIONS[action];
  if (known) return known;
  const words = action.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The accounting of disclosures: for a patient's request, every access to their record recorded in
 * the audit trail. Reading it is itself an access and is audited (PATIENT_ACCESS_LOG_VIEWED).
 */
export class AccessLogService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly timeZone: string,
  ) {}

  async page(patientId: string, query: AccessLogQuery, context: RequestContext): Promise<AccessLogPage> {
    const limit = query.limit ?? 50;
    return this.db.transaction(async (tx) => {
      if (!(await findPatientHeading(tx, patientId)))
        throw new NotFoundError('There is no patient with this id.');
      const records = await findPatientAccesses(tx, {
        patientId,
        from: query.from,
        to: query.to,
        beforeId: query.before,
        limit,
      });
      await this.audit.record(tx, context, {
        action: 'PATIENT_ACCESS_LOG_VIEWED',
        entityType: 'patient',
        entityId: patientId,
        patientId,
        details: { format: 'json', entries: records.length },
      });
      return {
        patientId,
        items: records.map(withDescription),
        nextCursor: records.length === limit ? records[records.length - 1]!.id : null,
      };
    });
  }

  async export(patientId: string, query: AccessLogQuery, context: RequestContext): Promise<AccessLogExport> {
    return this.db.transaction(async (tx) => {
      const patient = await findPatientHeading(tx, patientId);
      if (!patient) throw new NotFoundError('There is no patient with this id.');
      const records = await findPatientAccesses(tx, {
        patientId,
        from: query.from,
        to: query.to,
        limit: MAX_EXPORT_ENTRIES + 1,
      });
      const truncated = records.length > MAX_EXPORT_ENTRIES;
      const entries = records.slice(0, MAX_EXPORT_ENTRIES).map(withDescription);
      await this.audit.record(tx, context, {
        action: 'PATIENT_ACCESS_LOG_VIEWED',
        entityType: 'patient',
        entityId: patientId,
        patientId,
        details: { format: 'pdf', entries: entries.length, truncated },
      });
      return {
        patient,
        entries,
        truncated,
        from: query.from,
        to: query.to,
        generatedAt: new Date(),
        generatedBy: context.actor?.username ?? 'MediSys',
        timeZone: this.timeZone,
      };
    });
  }
}

function withDescription(record: PatientAccessRecord): PatientAccessEntry {
  return { ...record, description: describeAction(record.action) };
}
