import { describe, expect, it } from 'vitest';
import { contentProblems, parseTimeBound } from './history-rules.js';
import { ICD10_PATTERN } from './history.schemas.js';

const now = new Date('2026-01-15T12:00:00Z');
const base = {
  recordedAt: '2026-01-15T11:00:00Z',
  text: 'text',
  icd10Code: null,
  severity: null,
  vitals: null,
};

describe('history rules', () => {
  it.each([
    ['I10', true],
    ['E11.9', true],
    ['S72.001A', true],
    ['O9A.1', true],
    ['U07.1', false],
    ['I1', false],
    ['i10', false],
    ['I10.', false],
    ['I10.12345', false],
    ['110', false],
  ])('ICD-10 %s valid: %s', (code, valid) => {
    expect(new RegExp(ICD10_PATTERN).test(code)).toBe(valid);
  });

  it('keeps fields to their entry types', () => {
    expect(contentProblems('diagnosis', { ...base, icd10Code: 'I10' }, now)).toEqual([]);
    expect(contentProblems('allergy', { ...base, icd10Code: 'I10' }, now).map((p) => p.field)).toEqual([
      'icd10Code',
    ]);
    expect(contentProblems('medication', { ...base, severity: 'mild' }, now).map((p) => p.field)).toEqual([
      'severity',
    ]);
    expect(
      contentProblems('clinical_note', { ...base, vitals: { pulseBpm: 70 } }, now).map((p) => p.field),
    ).toEqual(['vitals']);
    expect(contentProblems('procedure', { ...base, text: '  ' }, now).map((p) => p.field)).toEqual(['text']);
  });

  it('requires both blood pressure values, the diastolic below the systolic', () => {
    const vitals = (values: Record<string, number>) =>
      contentProblems('vital_signs', { ...base, text: null, vitals: values }, now).map((p) => p.field);
    expect(vitals({ systolicMmHg: 120, diastolicMmHg: 80 })).toEqual([]);
    expect(vitals({ systolicMmHg: 120 })).toEqual(['vitals.diastolicMmHg']);
    expect(vitals({ diastolicMmHg: 80 })).toEqual(['vitals.systolicMmHg']);
    expect(vitals({ systolicMmHg: 80, diastolicMmHg: 80 })).toEqual(['vitals.diastolicMmHg']);
    expect(contentProblems('vital_signs', { ...base, vitals: null }, now).map((p) => p.field)).toEqual([
      'vitals',
    ]);
  });

  it('refuses observations in the future beyond clock drift', () => {
    expect(contentProblems('clinical_note', { ...base, recordedAt: '2026-01-15T12:04:00Z' }, now)).toEqual(
      [],
    );
    expect(
      contentProblems('clinical_note', { ...base, recordedAt: '2026-01-15T12:30:00Z' }, now).map(
        (p) => p.field,
      ),
    ).toEqual(['recordedAt']);
  });

  it('tells a whole day from an instant and refuses impossible dates', () => {
    expect(parseTimeBound('2026-02-28', 'from')).toEqual({ bound: { date: '2026-02-28' } });
    expect(parseTimeBound('2026-02-01T10:00:00+01:00', 'to')).toEqual({
      bound: { instant: '2026-02-01T09:00:00.000Z' },
    });
    expect(parseTimeBound('2026-02-30', 'from')).toHaveProperty('problem.field', 'from');
    expect(parseTimeBound('2026-02-01T25:00:00Z', 'to')).toHaveProperty('problem.field', 'to');
  });
});
