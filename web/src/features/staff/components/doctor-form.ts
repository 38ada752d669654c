import type { Doctor, DoctorProfile } from '../api/doctors';

/** The doctor form as typed: every field a string ('' for empty). */
export interface DoctorFormValues {
  name: string;
  licenseNumber: string;
  specialization: string;
  departmentId: string;
  phone: string;
  email: string;
  qualifications: string;
  slotMinutes: string;
}

export const DOCTOR_FIELDS: readonly (keyof DoctorFormValues)[] = [
  'name',
  'licenseNumber',
  'specialization',
  'departmentId',
  'phone',
  'email',
  'qualifications',
  'slotMinutes',
];

export const DOCTOR_LABELS: Readonly<Record<keyof DoctorFormValues, string>> = {
  name: 'Full name',
  licenseNumber: 'Licence number',
  specialization: 'Specialization',
  departmentId: 'Department',
  phone: 'Phone',
  email: 'Email',
  qualifications: 'Qualifications',
  slotMinutes: 'Appointment length (minutes)',
};

export const EMPTY_DOCTOR_FORM: DoctorFormValues = {
  name: '',
  licenseNumber: '',
  specialization: '',
  departmentId: '',
  phone: '',
  email: '',
  qualifications: '',
  slotMinutes: '15',
};

export function doctorFormValues(doctor: Doctor): DoctorFormValues {
  return {
    name: doctor.name,
    licenseNumber: doctor.licenseNumber,
    specialization: doctor.specialization,
    departmentId: doctor.departmentId ?? '',
    phone: doctor.phone ?? '',
    email: doctor.email ?? '',
    qualifications: doctor.qualifications ?? '',
    slotMinutes: String(doctor.slotMinutes),
  };
}

const PHONE = /^[+0-9 ()./-]{3,40}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The same rules as the API (doctors.schemas.ts), said in words staff understand. */
export function validateDoctorForm(
  values: DoctorFormValues,
): Partial<Record<keyof DoctorFormValues, string>> {
  const errors: Partial<Record<keyof DoctorFormValues, string>> = {};
  if (!values.name.trim()) errors.name = 'Enter the full name.';
  if (!values.licenseNumber.trim()) errors.licenseNumber = 'Enter the licence number.';
  else if (values.licenseNumber.trim().length > 64) errors.licenseNumber = 'At most 64 characters.';
  if (!values.specialization.trim()) errors.specialization = 'Enter the specialization.';
  if (!values.departmentId) errors.departmentId = 'Choose the department.';
  if (values.phone.trim() && !PHONE.test(values.phone.trim())) {
    errors.phone = 'Use digits, spaces and + ( ) . / - only.';
  }
  if (values.email.trim() && !EMAIL.test(values.email.trim())) errors.email = 'Enter an email address.';
  const slot = Number(values.slotMinutes);
  if (!Number.isInteger(slot) || slot < 5 || slot > 480) {
    errors.slotMinutes = 'Enter whole minutes between 5 and 480.';
  }
  return errors;
}

function profileOf(values: DoctorFormValues): DoctorProfile {
  const optional = (value: string): string | null => value.trim() || null;
  return {
    name: values.name.trim(),
    licenseNumber: values.licenseNumber.trim(),
    specialization: values.specialization.trim(),
    departmentId: values.departmentId || null,
    phone: optional(values.phone),
    email: optional(values.email),
    qualifications: optional(values.qualifications),
    slotMinutes: Number(values.slotMinutes),
  };
}

/** Only what changed against `doctor`, for the PATCH (null clears an optional field). */
export function doctorChanges(doctor: Doctor, values: DoctorFormValues): Partial<DoctorProfile> {
  const next = profileOf(values);
  const changes: Partial<Record<keyof DoctorProfile, unknown>> = {};
  for (const field of Object.keys(next) as (keyof DoctorProfile)[]) {
    if (next[field] !== doctor[field]) changes[field] = next[field];
  }
  return changes as Partial<DoctorProfile>;
}

/** The POST body of a new doctor (who starts with Monday-Friday 08:00-17:00). */
export function newDoctorInput(values: DoctorFormValues): DoctorProfile & { departmentId: string } {
  const profile = profileOf(values);
  return { ...profile, departmentId: values.departmentId };
}
