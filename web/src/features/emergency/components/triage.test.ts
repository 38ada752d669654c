import { describe, expect, it } from 'vitest';
import { describePatient, formatWaiting, isOverTarget, triageLevel, waitingMinutes } from './triage';

describe('the emergency board', () => {
  it('formats a wait in minutes, hours and days', () => {
    expect(formatWaiting(0)).toBe('Just arrived');
    expect(formatWaiting(-3)).toBe('Just arrived');
    expect(formatWaiting(1)).toBe('1 min');
    expect(formatWaiting(59)).toBe('59 min');
    expect(formatWaiting(60)).toBe('1 h 00 min');
    expect(formatWaiting(125)).toBe('2 h 05 min');
    expect(formatWaiting(24 * 60 + 3 * 60 + 59)).toBe('1 d 3 h');
  });

  it('counts the wait from the server’s figure plus the time since the board was generated', () => {
    const generatedAt = '2025-03-10T10:00:00.000Z';
    const at = (iso: string): number => Date.parse(iso);
    expect(waitingMinutes(12, generatedAt, at('2025-03-10T10:00:59Z'))).toBe(12);
    expect(waitingMinutes(12, generatedAt, at('2025-03-10T10:05:00Z'))).toBe(17);
    // A workstation clock behind the server's does not take minutes off.
    expect(waitingMinutes(12, generatedAt, at('2025-03-10T09:50:00Z'))).toBe(12);
    expect(waitingMinutes(12, 'not a time', at('2025-03-10T10:05:00Z'))).toBe(12);
  });

  it('flags waits beyond the target of the triage level', () => {
    expect(isOverTarget(1, 0)).toBe(false);
    expect(isOverTarget(1, 1)).toBe(true);
    expect(isOverTarget(2, 10)).toBe(false);
    expect(isOverTarget(2, 11)).toBe(true);
    expect(isOverTarget(5, 200)).toBe(false);
  });

  it('names the triage levels, falling back to the middle one', () => {
    expect(triageLevel(1).label).toBe('Resuscitation');
    expect(triageLevel(5).label).toBe('Non-urgent');
    expect(triageLevel(9).level).toBe(3);
  });

  it('marks an unidentified patient', () => {
    expect(describePatient({ name: 'Unknown female', mrn: 'U1', unidentified: true })).toBe(
      'Unknown female (unidentified)',
    );
    expect(describePatient({ name: 'Ada Byron', mrn: 'M1', unidentified: false })).toBe('Ada Byron');
  });
});
