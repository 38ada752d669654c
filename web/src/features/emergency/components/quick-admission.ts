import type { AdmitInput, Sex } from '../api/admissions';

/**
 * The quick admission form: a handful of fields with defaults, so that a patient is on the board in
 * seconds. An unknown patient is the default: naming them can wait (Identify on the board).
 */
export interface QuickAdmissionValues {
  who: 'unidentified' | 'registered';
  patientId: string;
  sex: Sex;
  estimatedAgeYears: string;
  triagePriority: string;
  chiefComplaint: string;
  departmentId: string;
}

/** ESI 3, the most common level; a department remembered from the last admission at this desk. */
export function quickAdmissionDefaults(lastDepartmentId = ''): QuickAdmissionValues {
  return {
    who: 'unidentified',
    patientId: '',
    sex: 'unknown',
    estimatedAgeYears: '',
    triagePriority: '3',
    chiefComplaint: '',
    departmentId: lastDepartmentId,
  };
}

export function validateQuickAdmission(
  values: QuickAdmissionValues,
): Partial<Record<keyof QuickAdmissionValues, string>> {
  const errors: Partial<Record<keyof QuickAdmissionValues, string>> = {};
  if (!values.chiefComplaint.trim()) errors.chiefComplaint = 'Say why the patient came, in a few words.';
  else if (values.chiefComplaint.trim().length > 1000) {
    errors.chiefComplaint = 'Keep it under 1,000 characters.';
  }
  const priority = Number(values.triagePriority);
  if (!Number.isInteger(priority) || priority < 1 || priority > 5) {
    errors.triagePriority = 'Choose a triage level from 1 to 5.';
  }
  if (values.who === 'registered') {
    if (!values.patientId) errors.patientId = 'Find and choose the patient.';
  } else {
    const age = values.estimatedAgeYears.trim();
    if (age === '') errors.estimatedAgeYears = 'Estimate the age in years.';
    else if (!/^\d{1,3}$/.test(age) || Number(age) > 120) {
      errors.estimatedAgeYears = 'Enter whole years from 0 to 120.';
    }
  }
  return errors;
}

/** The POST body: arrival is now (the server's default), and only what the form holds. */
export function admitInputFrom(values: QuickAdmissionValues): AdmitInput {
  return {
    ...(values.who === 'registered'
      ? { patientId: values.patientId }
      : {
          unidentifiedPatient: {
            sex: values.sex,
            estimatedAgeYears: Number(values.estimatedAgeYears.trim()),
          },
        }),
    triagePriority: Number(values.triagePriority),
    chiefComplaint: values.chiefComplaint.trim(),
    ...(values.departmentId ? { departmentId: values.departmentId } : {}),
  };
}
