import { describe, expect, it } from 'vitest';
import { defaultStatementPeriod, statementPeriodProblem } from './statement-period';

describe('the statement period', () => {
  it('defaults to the last 12 months, ending today', () => {
    expect(defaultStatementPeriod('2026-11-27')).toEqual({ from: '2025-11-27', to: '2026-11-27' });
    expect(defaultStatementPeriod('2026-01-01')).toEqual({ from: '2025-01-01', to: '2026-01-01' });
  });

  it('starts on 28 February when today is 29 February', () => {
    expect(defaultStatementPeriod('2028-02-29')).toEqual({ from: '2027-02-28', to: '2028-02-29' });
  });

  it('refuses a period that is incomplete or ends before it starts, and accepts a single day', () => {
    expect(statementPeriodProblem({ from: '', to: '2026-11-27' })).toBe('Choose both days of the period.');
    expect(statementPeriodProblem({ from: '2026-11-28', to: '2026-11-27' })).toBe(
      'The period ends before it starts.',
    );
    expect(statementPeriodProblem({ from: '2026-11-27', to: '2026-11-27' })).toBeUndefined();
  });
});
