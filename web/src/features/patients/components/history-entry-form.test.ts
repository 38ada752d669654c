import { describe, expect, it } from 'vitest';
import { emptyEntryForm, entryInputFrom, validateEntryForm } from './history-entry-form';

describe('the medical history entry form', () => {
  it('sends the fields of the entry type only', () => {
    const diagnosis = {
      ...emptyEntryForm('diagnosis'),
      text: ' Hypertension ',
      icd10Code: 'i10',
      severity: 'mild' as const,
    };
    expect(entryInputFrom(diagnosis, false)).toEqual({ text: 'Hypertension', icd10Code: 'I10' });
    const vitals = {
      ...emptyEntryForm('vital_signs'),
      pulseBpm: '72',
      temperatureCelsius: '37.2',
      systolicMmHg: '',
    };
    expect(entryInputFrom(vitals, false)).toEqual({ vitals: { pulseBpm: 72, temperatureCelsius: 37.2 } });
  });

  it('clears an emptied optional field in an amendment', () => {
    const allergy = { ...emptyEntryForm('allergy'), text: 'Penicillin' };
    expect(entryInputFrom(allergy, true)).toEqual({ text: 'Penicillin', severity: null });
  });

  it('asks for the text, a valid ICD-10 code, a measurement and an amendment reason', () => {
    expect(validateEntryForm(emptyEntryForm('clinical_note'), false)).toEqual({ text: 'Enter the note.' });
    expect(
      validateEntryForm({ ...emptyEntryForm('diagnosis'), text: 'x', icd10Code: 'U07.1' }, false),
    ).toHaveProperty('icd10Code');
    expect(validateEntryForm(emptyEntryForm('vital_signs'), false)).toHaveProperty('pulseBpm');
    expect(validateEntryForm({ ...emptyEntryForm('medication'), text: 'x' }, true)).toHaveProperty('reason');
  });
});
