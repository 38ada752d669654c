import type { FieldError } from '../../shared/errors.js';
import type { AdmissionStatus } from './admissions.schemas.js';

/**
 * The admission's life: admitted, then any number of transfers, then discharged. Discharged is final;
 * a patient who comes back is a new admission.
 */
const NEXT_STATUSES: Readonly<Record<AdmissionStatus, readonly AdmissionStatus[]>> = {
  admitted: ['transferred', 'discharged'],
  transferred: ['transferred', 'discharged'],
  discharged: [],
};

export function canTransition(from: AdmissionStatus, to: AdmissionStatus): boolean {
  return NEXT_STATUSES[from].includes(to);
}

/** Workstation clocks drift; a time a few minutes "in the future" is not a mistake. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** How far back an admission may be entered after the fact (a busy night recorded in the morning). */
export const LATEST_BACKDATING_MS = 30 * 24 * 60 * 60_000;

export function arrivalProblems(arrivedAt: string, now: Date): FieldError[] {
  const at = Date.parse(arrivedAt);
  if (at > now.getTime() + CLOCK_SKEW_MS)
    return [{ field: 'arrivedAt', message: 'must not be in the future' }];
  if (at < now.getTime() - LATEST_BACKDATING_MS) {
    return [{ field: 'arrivedAt', message: 'must be within the last 30 days' }];
  }
  return [];
}

/** A transfer or discharge happens after the previous movement and not in the future. */
export function eventTimeProblems(at: string, previous: Date, now: Date): FieldError[] {
  const time = Date.parse(at);
  if (time > now.getTime() + CLOCK_SKEW_MS) return [{ field: 'at', message: 'must not be in the future' }];
  if (time < previous.getTime()) {
    return [{ field: 'at', message: `must not be before the previous movement (${previous.toISOString()})` }];
  }
  return [];
}

/** The time of a transition: the one given, else now (but never before the previous movement). */
export function eventTime(at: string | undefined, previous: Date, now: Date): string {
  if (at !== undefined) return new Date(at).toISOString();
  return new Date(Math.max(now.getTime(), previous.getTime())).toISOString();
}
