import type { Database, Queryable } from '../../db/index.js';
import { NotFoundError, PreconditionFailedError, ValidationError } from '../../shared/errors.js';
import { runIdempotent, type IdempotentRequest, type StoredResponse } from '../../shared/idempotency.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { AuditTrail } from '../audit/index.js';
import { localToday } from '../billing/index.js';
import type { FieldCipher } from '../security/index.js';
import {
  findCoverage,
  findCoveragesOfPatient,
  findCoveragesValidOn,
  insertCoverage,
  updateCoverageIfVersion,
  type CoverageRecord,
} from './coverage.repository.js';
import type { AddCoverageInput, EligibilityCriteria, UpdateCoverageInput } from './coverage.schemas.js';

export interface Eligibility {
  readonly patientId: string;
  readonly date: string;
  readonly eligible: boolean;
  readonly reason: string;
  readonly coverages: CoverageRecord[];
}

export function actorId(context: RequestContext): string {
  if (!context.actor) throw new Error('claims changes need a signed-in actor');
  return context.actor.userId;
}

function checkValidity(validFrom: string, validTo: string | null): void {
  if (validTo !== null && validTo < validFrom) {
    throw new ValidationError('The coverage ends before it starts.', [
      { field: 'validTo', message: 'must be on or after validFrom' },
    ]);
  }
}

export async function patientExists(db: Queryable, id: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM patients WHERE id = $1', [id]);
  return result.rows.length > 0;
}

/** A patient's insurance coverage: who pays, under which policy, what share, over which days. */
export class CoverageService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly timeZone: string,
    private readonly cipher: FieldCipher,
  ) {}

  async add(
    patientId: string,
    input: AddCoverageInput,
    context: RequestContext,
    idempotency?: IdempotentRequest,
  ): Promise<StoredResponse<CoverageRecord>> {
    checkValidity(input.validFrom, input.validTo ?? null);
    return this.db.transaction((tx) =>
      runIdempotent(tx, idempotency, async () => {
        if (!(await patientExists(tx, patientId)))
          throw new NotFoundError('There is no patient with this id.');
        const coverage = await insertCoverage(tx, this.cipher, patientId, input, actorId(context));
        await this.audit.record(tx, context, {
          action: 'COVERAGE_ADDED',
          entityType: 'insurance_coverage',
          entityId: coverage.id,
          patientId,
          details: { validFrom: coverage.validFrom, validTo: coverage.validTo },
        });
        return { status: 201, body: coverage };
      }),
    );
  }

  async update(
    id: string,
    expectedVersion: number,
    changes: UpdateCoverageInput,
    context: RequestContext,
  ): Promise<CoverageRecord> {
    return this.db.transaction(async (tx) => {
      const current = await findCoverage(tx, this.cipher, id);
      if (!current) throw new NotFoundError('There is no coverage with this id.');
      checkValidity(
        changes.validFrom ?? current.validFrom,
        changes.validTo === undefined ? current.validTo : changes.validTo,
      );
      const updated = await updateCoverageIfVersion(
        tx,
        this.cipher,
        id,
        expectedVersion,
        changes,
        actorId(context),
      );
      if (!updated) {
        throw new PreconditionFailedError(
          `The coverage was changed by someone else (now version ${current.version}, you edited version ${expectedVersion}). Reload it and try again.`,
        );
      }
      await this.audit.record(tx, context, {
        action: 'COVERAGE_UPDATED',
        entityType: 'insurance_coverage',
        entityId: id,
        patientId: current.patientId,
        details: { fields: Object.keys(changes), version: updated.version },
      });
      return updated;
    });
  }

  async list(
    patientId: string,
    context: RequestContext,
  ): Promise<{ items: CoverageRecord[]; total: number }> {
    return this.db.transaction(async (tx) => {
      if (!(await patientExists(tx, patientId))) throw new NotFoundError('There is no patient with this id.');
      const items = await findCoveragesOfPatient(tx, this.cipher, patientId);
      await this.audit.record(tx, context, {
        action: 'COVERAGE_VIEWED',
        entityType: 'insurance_coverage',
        patientId,
        details: { resultCount: items.length },
      });
      return { items, total: items.length };
    });
  }

  /** Whether the patient is covered on a day (default today in hospital.timezone), by validity dates. */
  async eligibility(
    patientId: string,
    criteria: EligibilityCriteria,
    context: RequestContext,
  ): Promise<Eligibility> {
    return this.db.transaction(async (tx) => {
      if (!(await patientExists(tx, patientId))) throw new NotFoundError('There is no patient with this id.');
      const date = criteria.date ?? (await localToday(tx, this.timeZone));
      const provider = criteria.provider?.trim() || null;
      const coverages = await findCoveragesValidOn(tx, this.cipher, patientId, date, provider);
      const eligible = coverages.length > 0;
      let reason: string;
      if (eligible) {
        reason = `Covered on ${date} by ${coverages.map((coverage) => `${coverage.provider} (policy ${coverage.policyNumber})`).join(', ')}.`;
      } else {
        const all = await findCoveragesOfPatient(tx, this.cipher, patientId);
        reason =
          all.length === 0
            ? 'The patient has no insurance coverage on record.'
            : `No coverage${provider ? ` with ${provider}` : ''} is valid on ${date}.`;
      }
      await this.audit.record(tx, context, {
        action: 'ELIGIBILITY_CHECKED',
        entityType: 'insurance_coverage',
        patientId,
        details: { date, eligible },
      });
      return { patientId, date, eligible, reason, coverages };
    });
  }
}
