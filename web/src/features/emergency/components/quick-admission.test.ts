import { describe, expect, it } from 'vitest';
import { admitInputFrom, quickAdmissionDefaults, validateQuickAdmission } from './quick-admission';

describe('the quick admission form', () => {
  it('starts with an unknown patient at triage level 3 and the remembered department', () => {
    expect(quickAdmissionDefaults('d1')).toMatchObject({
      who: 'unidentified',
      sex: 'unknown',
      triagePriority: '3',
      departmentId: 'd1',
    });
  });

  it('needs only a complaint and an estimated age for an unknown patient', () => {
    expect(validateQuickAdmission(quickAdmissionDefaults())).toEqual({
      chiefComplaint: 'Say why the patient came, in a few words.',
      estimatedAgeYears: 'Estimate the age in years.',
    });
    expect(
      validateQuickAdmission({
        ...quickAdmissionDefaults(),
        chiefComplaint: 'Chest pain',
        estimatedAgeYears: '55',
      }),
    ).toEqual({});
    expect(
      validateQuickAdmission({ ...quickAdmissionDefaults(), chiefComplaint: 'x', estimatedAgeYears: '121' }),
    ).toEqual({ estimatedAgeYears: 'Enter whole years from 0 to 120.' });
    expect(
      validateQuickAdmission({ ...quickAdmissionDefaults(), chiefComplaint: 'x', estimatedAgeYears: '4.5' }),
    ).toEqual({ estimatedAgeYears: 'Enter whole years from 0 to 120.' });
  });

  it('needs the chosen patient for a registered one, and a triage level from 1 to 5', () => {
    expect(
      validateQuickAdmission({
        ...quickAdmissionDefaults(),
        who: 'registered',
        chiefComplaint: 'Fall',
        triagePriority: '0',
      }),
    ).toEqual({
      patientId: 'Find and choose the patient.',
      triagePriority: 'Choose a triage level from 1 to 5.',
    });
  });

  it('sends an unknown patient’s estimate, or the registered patient’s id, never both', () => {
    const values = {
      ...quickAdmissionDefaults(),
      chiefComplaint: '  Unconscious, found in the street ',
      estimatedAgeYears: ' 40 ',
      sex: 'male' as const,
      triagePriority: '1',
      patientId: 'left-over',
    };
    expect(admitInputFrom(values)).toEqual({
      unidentifiedPatient: { sex: 'male', estimatedAgeYears: 40 },
      triagePriority: 1,
      chiefComplaint: 'Unconscious, found in the street',
    });
    expect(admitInputFrom({ ...values, who: 'registered', patientId: 'p1', departmentId: 'd1' })).toEqual({
      patientId: 'p1',
      triagePriority: 1,
      chiefComplaint: 'Unconscious, found in the street',
      departmentId: 'd1',
    });
  });
});
