import { describe, expect, it } from 'vitest';
import { ageInYears, describeDuration, formatCents, formatCountdown, formatDate, humanise } from './format';

describe('display formats', () => {
  it('shows money from integer cents without floating point', () => {
    expect(formatCents(123_456)).toBe('1,234.56');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(-250)).toBe('-2.50');
    expect(formatCents(null)).toBe('—');
  });

  it('shows a calendar date on the same day whatever the browser zone', () => {
    expect(formatDate('1985-12-10')).toBe('10 Dec 1985');
    expect(formatDate(null)).toBe('—');
  });

  it('counts whole years of age up to the birthday', () => {
    expect(ageInYears('1985-12-10', '2024-12-09')).toBe(38);
    expect(ageInYears('1985-12-10', '2024-12-10')).toBe(39);
    expect(ageInYears('2030-01-01', '2024-01-01')).toBeUndefined();
  });

  it('says durations and countdowns the way people read them', () => {
    expect(describeDuration(900)).toBe('15 minutes');
    expect(describeDuration(60)).toBe('1 minute');
    expect(describeDuration(30)).toBe('30 seconds');
    expect(formatCountdown(59.2)).toBe('1:00');
    expect(formatCountdown(5)).toBe('0:05');
    expect(humanise('checked_in')).toBe('Checked in');
  });
});
