import type { Patient, PatientDemographics, RegisterPatientInput, Sex } from '../api/patients';

/** The patient form as typed: every field a string ('' for empty). */
export interface PatientFormValues {
  name: string;
  dateOfBirth: string;
  sex: Sex | '';
  phone: string;
  email: string;
  address: string;
  emergencyContactName: string;
  emergencyContactPhone: string;
  insuranceProvider: string;
  insuranceNumber: string;
}

export const PATIENT_FIELDS: readonly (keyof PatientFormValues)[] = [
  'name',
  'dateOfBirth',
  'sex',
  'phone',
  'email',
  'address',
  'emergencyContactName',
  'emergencyContactPhone',
  'insuranceProvider',
  'insuranceNumber',
];

export const FIELD_LABELS: Readonly<Record<keyof PatientFormValues, string>> = {
  name: 'Full name',
  dateOfBirth: 'Date of birth',
  sex: 'Sex',
  phone: 'Phone',
  email: 'Email',
  address: 'Address',
  emergencyContactName: 'Emergency contact name',
  emergencyContactPhone: 'Emergency contact phone',
  insuranceProvider: 'Insurance provider',
  insuranceNumber: 'Insurance policy number',
};

export const EMPTY_PATIENT_FORM: PatientFormValues = {
  name: '',
  dateOfBirth: '',
  sex: '',
  phone: '',
  email: '',
  address: '',
  emergencyContactName: '',
  emergencyContactPhone: '',
  insuranceProvider: '',
  insuranceNumber: '',
};

const PHONE = /^[+0-9 ()./-]{3,40}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The checks the browser can make before sending; the server checks again and has the last word. */
export function validatePatientForm(
  values: PatientFormValues,
  today: string,
): Partial<Record<keyof PatientFormValues, string>> {
  const errors: Partial<Record<keyof PatientFormValues, string>> = {};
  if (!values.name.trim()) errors.name = 'Enter the full name as on the identity document.';
  else if (values.name.trim().length > 200) errors.name = 'Use at most 200 characters.';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(values.dateOfBirth)) errors.dateOfBirth = 'Enter the date of birth.';
  else if (values.dateOfBirth > today) errors.dateOfBirth = 'The date of birth cannot be in the future.';
  for (const field of ['phone', 'emergencyContactPhone'] as const) {
    if (values[field].trim() && !PHONE.test(values[field].trim())) {
      errors[field] = 'Use digits, spaces and + ( ) . / - only (3 to 40 characters).';
    }
  }
  if (values.email.trim() && !EMAIL.test(values.email.trim()))
    errors.email = 'Enter an email address like name@example.org.';
  return errors;
}

function text(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** The body of POST /api/v1/patients: empty optional fields are left out. */
export function registerInputFrom(values: PatientFormValues): RegisterPatientInput {
  const input: Record<string, string> = { name: values.name.trim(), dateOfBirth: values.dateOfBirth };
  for (const field of PATIENT_FIELDS) {
    if (field === 'name' || field === 'dateOfBirth') continue;
    const value = text(values[field]);
    if (value !== null) input[field] = value;
  }
  return input as unknown as RegisterPatientInput;
}

export function formValuesFrom(patient: PatientDemographics): PatientFormValues {
  return {
    name: patient.name,
    dateOfBirth: patient.dateOfBirth,
    sex: patient.sex,
    phone: patient.phone ?? '',
    email: patient.email ?? '',
    address: patient.address ?? '',
    emergencyContactName: patient.emergencyContactName ?? '',
    emergencyContactPhone: patient.emergencyContactPhone ?? '',
    insuranceProvider: patient.insuranceProvider ?? '',
    insuranceNumber: patient.insuranceNumber ?? '',
  };
}

function normalised(field: keyof PatientFormValues, values: PatientFormValues): string | null {
  if (field === 'sex') return values.sex === '' ? null : values.sex;
  if (field === 'dateOfBirth') return values.dateOfBirth || null;
  return text(values[field]);
}

/** The PATCH body: only the fields that differ from the record the edit started from. */
export function changesFrom(base: Patient, values: PatientFormValues): Partial<PatientDemographics> {
  const before = formValuesFrom(base);
  const changes: Record<string, string | null> = {};
  for (const field of PATIENT_FIELDS) {
    const next = normalised(field, values);
    if (next !== normalised(field, before)) changes[field] = next;
  }
  return changes;
}

export interface ConflictRow {
  readonly field: keyof PatientFormValues;
  readonly label: string;
  /** What the user was saving. */
  readonly mine: string;
  /** What the record holds now, saved by someone else. */
  readonly current: string;
  /** Whether the other save changed this field too (a real clash, not just a newer value). */
  readonly changedByOther: boolean;
}

/**
 * After a 412: the fields the other save changed and the fields this user changed, side by side,
 * so they can decide what to keep.
 */
export function conflictRows(base: Patient, current: Patient, values: PatientFormValues): ConflictRow[] {
  const before = formValuesFrom(base);
  const now = formValuesFrom(current);
  const rows: ConflictRow[] = [];
  for (const field of PATIENT_FIELDS) {
    const mineChanged = normalised(field, values) !== normalised(field, before);
    const otherChanged = normalised(field, now) !== normalised(field, before);
    if (!mineChanged && !otherChanged) continue;
    rows.push({
      field,
      label: FIELD_LABELS[field],
      mine: normalised(field, values) ?? '(empty)',
      current: normalised(field, now) ?? '(empty)',
      changedByOther: otherChanged,
    });
  }
  return rows;
}
