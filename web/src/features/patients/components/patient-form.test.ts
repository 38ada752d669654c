import { describe, expect, it } from 'vitest';
import type { Patient } from '../api/patients';
import {
  changesFrom,
  conflictRows,
  EMPTY_PATIENT_FORM,
  formValuesFrom,
  registerInputFrom,
  validatePatientForm,
} from './patient-form';

const base: Patient = {
  id: '00000000-0000-4000-8000-000000000001',
  mrn: 'MRN00000001',
  name: 'Ada Lovelace',
  dateOfBirth: '1985-12-10',
  sex: 'female',
  phone: '+44 20 7946 0001',
  email: null,
  address: null,
  emergencyContactName: null,
  emergencyContactPhone: null,
  insuranceProvider: null,
  insuranceNumber: null,
  archived: false,
  unidentified: false,
  dateOfBirthEstimated: false,
  mergedIntoPatientId: null,
  version: 3,
  createdAt: '2024-01-01T00:00:00Z',
  updatedAt: '2024-01-01T00:00:00Z',
};

describe('the patient form', () => {
  it('explains each missing or malformed field before sending', () => {
    expect(validatePatientForm(EMPTY_PATIENT_FORM, '2024-06-01')).toEqual({
      name: 'Enter the full name as on the identity document.',
      dateOfBirth: 'Enter the date of birth.',
    });
    const errors = validatePatientForm(
      { ...EMPTY_PATIENT_FORM, name: 'A', dateOfBirth: '2030-01-01', phone: 'call me', email: 'nope' },
      '2024-06-01',
    );
    expect(Object.keys(errors).sort()).toEqual(['dateOfBirth', 'email', 'phone']);
  });

  it('registers with the required fields and only the optional ones filled in', () => {
    expect(
      registerInputFrom({ ...EMPTY_PATIENT_FORM, name: ' Ada ', dateOfBirth: '1985-12-10', phone: ' 123 ' }),
    ).toEqual({
      name: 'Ada',
      dateOfBirth: '1985-12-10',
      phone: '123',
    });
  });

  it('sends only what changed, and an emptied field as null', () => {
    const values = { ...formValuesFrom(base), phone: '', email: 'ada@example.org' };
    expect(changesFrom(base, values)).toEqual({ phone: null, email: 'ada@example.org' });
    expect(changesFrom(base, formValuesFrom(base))).toEqual({});
  });

  it('after a 412, lines up the newer values with the ones being saved', () => {
    const current: Patient = { ...base, address: '12 St James Square', version: 4 };
    const mine = { ...formValuesFrom(base), phone: '+44 20 7946 0999' };
    expect(conflictRows(base, current, mine)).toEqual([
      {
        field: 'phone',
        label: 'Phone',
        mine: '+44 20 7946 0999',
        current: '+44 20 7946 0001',
        changedByOther: false,
      },
      {
        field: 'address',
        label: 'Address',
        mine: '(empty)',
        current: '12 St James Square',
        changedByOther: true,
      },
    ]);
  });
});
