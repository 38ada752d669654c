import type { Department, DepartmentDetails } from '../api/departments';

/** The department form as typed: every field a string ('' for empty). */
export interface DepartmentFormValues {
  code: string;
  name: string;
  headDoctorId: string;
  location: string;
  floor: string;
  phone: string;
  email: string;
  operatingHours: string;
}

export const DEPARTMENT_FIELDS: readonly (keyof DepartmentFormValues)[] = [
  'code',
  'name',
  'headDoctorId',
  'location',
  'floor',
  'phone',
  'email',
  'operatingHours',
];

export const DEPARTMENT_LABELS: Readonly<Record<keyof DepartmentFormValues, string>> = {
  code: 'Code',
  name: 'Name',
  headDoctorId: 'Head of department',
  location: 'Building or wing',
  floor: 'Floor',
  phone: 'Phone',
  email: 'Email',
  operatingHours: 'Opening hours',
};

export const EMPTY_DEPARTMENT_FORM: DepartmentFormValues = {
  code: '',
  name: '',
  headDoctorId: '',
  location: '',
  floor: '',
  phone: '',
  email: '',
  operatingHours: '',
};

export function departmentFormValues(department: Department): DepartmentFormValues {
  return {
    code: department.code,
    name: department.name,
    headDoctorId: department.headDoctorId ?? '',
    location: department.location ?? '',
    floor: department.floor ?? '',
    phone: department.phone ?? '',
    email: department.email ?? '',
    operatingHours: department.operatingHours ?? '',
  };
}

const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$/;
const PHONE = /^[+0-9 ()./-]{3,40}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateDepartmentForm(
  values: DepartmentFormValues,
): Partial<Record<keyof DepartmentFormValues, string>> {
  const errors: Partial<Record<keyof DepartmentFormValues, string>> = {};
  if (!CODE.test(values.code.trim())) {
    errors.code = 'Up to 20 letters, digits, - or _, starting with a letter or digit.';
  }
  if (!values.name.trim()) errors.name = 'Enter the name.';
  if (values.phone.trim() && !PHONE.test(values.phone.trim())) {
    errors.phone = 'Use digits, spaces and + ( ) . / - only.';
  }
  if (values.email.trim() && !EMAIL.test(values.email.trim())) errors.email = 'Enter an email address.';
  return errors;
}

/** The body of a new department, or the full details an edit compares against. */
export function detailsOf(values: DepartmentFormValues): DepartmentDetails {
  const optional = (value: string): string | null => value.trim() || null;
  return {
    // The server stores codes upper-case; comparing that way keeps an unchanged code out of the PATCH.
    code: values.code.trim().toUpperCase(),
    name: values.name.trim(),
    headDoctorId: values.headDoctorId || null,
    location: optional(values.location),
    floor: optional(values.floor),
    phone: optional(values.phone),
    email: optional(values.email),
    operatingHours: optional(values.operatingHours),
  };
}

/** Only what changed against `department`, for the PATCH (null clears an optional field). */
export function departmentChanges(
  department: Department,
  values: DepartmentFormValues,
): Partial<DepartmentDetails> {
  const next = detailsOf(values);
  const changes: Partial<Record<keyof DepartmentDetails, unknown>> = {};
  for (const field of Object.keys(next) as (keyof DepartmentDetails)[]) {
    if (next[field] !== department[field]) changes[field] = next[field];
  }
  return changes as Partial<DepartmentDetails>;
}
