import type { FieldError } from '../../shared/errors.js';
import { ValidationError } from '../../shared/errors.js';
import type { EntryContent, TimeBound, TimelineCriteria } from './history.repository.js';
import type { EntryType } from './history.schemas.js';

/** Clocks of workstations drift; an observation a few minutes "in the future" is not a typing error. */
const CLOCK_SKEW_MS = 5 * 60_000;
const EARLIEST_RECORD = '1900-01-01T00:00:00Z';

/** Checks a time at which something was observed: not in the future, not before records began. */
export function recordedAtProblems(recordedAt: string, now: Date): FieldError[] {
  const at = Date.parse(recordedAt);
  if (Number.isNaN(at)) return [{ field: 'recordedAt', message: 'must be an RFC 3339 time' }];
  if (at > now.getTime() + CLOCK_SKEW_MS)
    return [{ field: 'recordedAt', message: 'must not be in the future' }];
  if (at < Date.parse(EARLIEST_RECORD)) return [{ field: 'recordedAt', message: 'must not be before 1900' }];
  return [];
}

/**
 * The rules a version of an entry of `type` must satisfy beyond its JSON schema: which fields belong
 * to which type, and that a blood pressure has both numbers, the lower below the upper.
 */
export function contentProblems(type: EntryType, content: EntryContent, now: Date): FieldError[] {
  const problems: FieldError[] = [...recordedAtProblems(content.recordedAt, now)];
  if (type !== 'vital_signs' && (content.text === null || content.text.trim() === '')) {
    problems.push({ field: 'text', message: `is required for a ${type.replace('_', ' ')} entry` });
  }
  if (content.icd10Code !== null && type !== 'diagnosis') {
    problems.push({ field: 'icd10Code', message: 'belongs to diagnosis entries only' });
  }
  if (content.severity !== null && type !== 'allergy') {
    problems.push({ field: 'severity', message: 'belongs to allergy entries only' });
  }
  if (type === 'vital_signs') {
    const vitals = content.vitals;
    if (vitals === null) {
      problems.push({ field: 'vitals', message: 'is required for a vital signs entry' });
    } else {
      const { systolicMmHg: systolic, diastolicMmHg: diastolic } = vitals;
      if ((systolic === undefined) !== (diastolic === undefined)) {
        problems.push({
          field: systolic === undefined ? 'vitals.systolicMmHg' : 'vitals.diastolicMmHg',
          message: 'a blood pressure needs both the systolic and the diastolic value',
        });
      } else if (systolic !== undefined && diastolic !== undefined && diastolic >= systolic) {
        problems.push({ field: 'vitals.diastolicMmHg', message: 'must be lower than the systolic value' });
      }
    }
  } else if (content.vitals !== null) {
    problems.push({ field: 'vitals', message: 'belongs to vital signs entries only' });
  }
  return problems;
}

/** Tells a whole day (YYYY-MM-DD) from an exact instant, or says why the value is neither. */
export function parseTimeBound(
  value: string,
  field: string,
): { bound: { date: string } | { instant: string } } | { problem: FieldError } {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const parsed = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value)) {
      return { bound: { date: value } };
    }
  } else if (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value) &&
    !Number.isNaN(Date.parse(value))
  ) {
    return { bound: { instant: new Date(value).toISOString() } };
  }
  return { problem: { field, message: 'must be a date (YYYY-MM-DD) or an RFC 3339 time' } };
}

export interface TimelineFilter {
  readonly type?: EntryType | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly includeEnteredInError?: boolean | undefined;
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
}

/** The timeline's query as the repository takes it; refuses a from or to that is not a day or a time. */
export function timelineCriteria(
  patientId: string,
  filter: TimelineFilter,
  timeZone: string,
  limit: number,
  offset: number,
): TimelineCriteria {
  const problems: FieldError[] = [];
  const bound = (value: string | undefined, field: string): TimeBound | undefined => {
    if (value === undefined) return undefined;
    const parsed = parseTimeBound(value, field);
    if ('problem' in parsed) {
      problems.push(parsed.problem);
      return undefined;
    }
    return parsed.bound;
  };
  const from = bound(filter.from, 'from');
  const to = bound(filter.to, 'to');
  if (problems.length > 0) throw new ValidationError('The period is not valid.', problems);
  return {
    patientId,
    type: filter.type,
    from,
    to,
    includeEnteredInError: filter.includeEnteredInError ?? false,
    timeZone,
    limit,
    offset,
  };
}
