import { describe, expect, it } from 'vitest';
import type { Doctor } from '../api/doctors';
import {
  doctorChanges,
  doctorFormValues,
  EMPTY_DOCTOR_FORM,
  newDoctorInput,
  validateDoctorForm,
} from './doctor-form';
import { conflictRows, reapplyChanges } from '@/lib/edit-conflict';
import { DOCTOR_FIELDS, DOCTOR_LABELS } from './doctor-form';

const doctor: Doctor = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'Gregory House',
  licenseNumber: 'LIC-1',
  specialization: 'Diagnostics',
  departmentId: '00000000-0000-4000-8000-0000000000d1',
  phone: null,
  email: 'house@example.org',
  qualifications: null,
  slotMinutes: 15,
  userId: null,
  archived: false,
  version: 4,
  createdAt: '2024-01-01T00:00:00Z',
  updatedAt: '2024-01-01T00:00:00Z',
};

describe('the doctor form', () => {
  it('asks for the required fields and checks phone, email and slot length', () => {
    expect(validateDoctorForm(EMPTY_DOCTOR_FORM)).toEqual({
      name: 'Enter the full name.',
      licenseNumber: 'Enter the licence number.',
      specialization: 'Enter the specialization.',
      departmentId: 'Choose the department.',
    });
    expect(
      validateDoctorForm({
        ...doctorFormValues(doctor),
        phone: 'call me',
        email: 'house',
        slotMinutes: '4',
      }),
    ).toEqual({
      phone: 'Use digits, spaces and + ( ) . / - only.',
      email: 'Enter an email address.',
      slotMinutes: 'Enter whole minutes between 5 and 480.',
    });
  });

  it('sends only what changed, clearing emptied optional fields', () => {
    const values = { ...doctorFormValues(doctor), email: ' ', slotMinutes: '20', name: ' Gregory House ' };
    expect(doctorChanges(doctor, values)).toEqual({ email: null, slotMinutes: 20 });
    expect(doctorChanges(doctor, doctorFormValues(doctor))).toEqual({});
  });

  it('builds the body of a new doctor', () => {
    expect(
      newDoctorInput({
        ...EMPTY_DOCTOR_FORM,
        name: 'Lisa Cuddy',
        licenseNumber: 'LIC-2',
        specialization: 'Endocrinology',
        departmentId: 'd1',
      }),
    ).toEqual({
      name: 'Lisa Cuddy',
      licenseNumber: 'LIC-2',
      specialization: 'Endocrinology',
      departmentId: 'd1',
      phone: null,
      email: null,
      qualifications: null,
      slotMinutes: 15,
    });
  });
});

describe('an edit conflict (412)', () => {
  const base = doctorFormValues(doctor);
  const current = { ...base, phone: '+44 1', specialization: 'Nephrology' };
  const mine = { ...base, specialization: 'Infectious diseases', slotMinutes: '30' };

  it('lists the fields either side changed, marking the other person’s', () => {
    expect(conflictRows(DOCTOR_FIELDS, DOCTOR_LABELS, base, current, mine)).toEqual([
      {
        field: 'specialization',
        label: 'Specialization',
        current: 'Nephrology',
        mine: 'Infectious diseases',
        changedByOther: true,
      },
      { field: 'phone', label: 'Phone', current: '+44 1', mine: '—', changedByOther: true },
      {
        field: 'slotMinutes',
        label: 'Appointment length (minutes)',
        current: '15',
        mine: '30',
        changedByOther: false,
      },
    ]);
  });

  it('lays this user’s changes over the new version, keeping the other person’s elsewhere', () => {
    expect(reapplyChanges(base, current, mine)).toEqual({
      ...base,
      phone: '+44 1',
      specialization: 'Infectious diseases',
      slotMinutes: '30',
    });
  });
});
