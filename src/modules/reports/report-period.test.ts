import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.js';
import { localDate, resolvePeriod } from './report-period.js';

describe('report periods', () => {
  // 2025-03-31T15:30Z is already 1 April in Tokyo (UTC+9) and still 31 March in New York.
  const now = new Date('2025-03-31T15:30:00Z');

  it('takes today in the hospital time zone', () => {
    expect(localDate(now, 'Asia/Tokyo')).toBe('2025-04-01');
    expect(localDate(now, 'America/New_York')).toBe('2025-03-31');
  });

  it('covers the current month up to today by default, and up to today when only from is given', () => {
    expect(resolvePeriod({}, 'Asia/Tokyo', now)).toEqual({ from: '2025-04-01', to: '2025-04-01' });
    expect(resolvePeriod({}, 'UTC', now)).toEqual({ from: '2025-03-01', to: '2025-03-31' });
    expect(resolvePeriod({ from: '2025-01-15' }, 'UTC', now)).toEqual({
      from: '2025-01-15',
      to: '2025-03-31',
    });
  });

  it('refuses a period that ends before it starts', () => {
    expect(() => resolvePeriod({ from: '2025-03-02', to: '2025-03-01' }, 'UTC', now)).toThrow(
      ValidationError,
    );
    expect(resolvePeriod({ from: '2025-03-01', to: '2025-03-01' }, 'UTC', now).from).toBe('2025-03-01');
  });
});
