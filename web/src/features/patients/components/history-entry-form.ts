import type { HistoryEntry, HistoryEntryInput, HistoryType, Severity } from '../api/history';

/** The entry form as typed; numbers stay strings until they are sent. */
export interface EntryFormValues {
  type: HistoryType;
  recordedAt: string;
  text: string;
  icd10Code: string;
  severity: Severity | '';
  systolicMmHg: string;
  diastolicMmHg: string;
  pulseBpm: string;
  temperatureCelsius: string;
  respiratoryRatePerMin: string;
  oxygenSaturationPercent: string;
  reason: string;
}

export const VITAL_FIELDS = [
  { name: 'systolicMmHg', label: 'Systolic (mmHg)', min: 40, max: 300, step: 1 },
  { name: 'diastolicMmHg', label: 'Diastolic (mmHg)', min: 20, max: 200, step: 1 },
  { name: 'pulseBpm', label: 'Pulse (bpm)', min: 20, max: 300, step: 1 },
  { name: 'temperatureCelsius', label: 'Temperature (°C)', min: 25, max: 45, step: 0.1 },
  { name: 'respiratoryRatePerMin', label: 'Respiratory rate (/min)', min: 4, max: 80, step: 1 },
  { name: 'oxygenSaturationPercent', label: 'SpO₂ (%)', min: 50, max: 100, step: 1 },
] as const;

export const TYPE_LABELS: Readonly<Record<HistoryType, string>> = {
  diagnosis: 'Diagnosis',
  allergy: 'Allergy',
  medication: 'Medication',
  procedure: 'Procedure',
  vital_signs: 'Vital signs',
  clinical_note: 'Clinical note',
};

export const TEXT_LABELS: Readonly<Record<HistoryType, string>> = {
  diagnosis: 'Diagnosis',
  allergy: 'Allergen and reaction',
  medication: 'Medication, dose and frequency',
  procedure: 'Procedure',
  vital_signs: 'Comment',
  clinical_note: 'Note',
};

/** `2024-03-05T14:05` for a datetime-local input, in the browser's zone. */
export function toLocalInput(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function emptyEntryForm(type: HistoryType = 'clinical_note'): EntryFormValues {
  return {
    type,
    recordedAt: '',
    text: '',
    icd10Code: '',
    severity: '',
    systolicMmHg: '',
    diastolicMmHg: '',
    pulseBpm: '',
    temperatureCelsius: '',
    respiratoryRatePerMin: '',
    oxygenSaturationPercent: '',
    reason: '',
  };
}

export function entryFormFrom(entry: HistoryEntry): EntryFormValues {
  const vitals = entry.vitals ?? {};
  const number = (value: number | undefined): string => (value === undefined ? '' : String(value));
  return {
    type: entry.type,
    recordedAt: toLocalInput(entry.recordedAt),
    text: entry.text ?? '',
    icd10Code: entry.icd10Code ?? '',
    severity: entry.severity ?? '',
    systolicMmHg: number(vitals.systolicMmHg),
    diastolicMmHg: number(vitals.diastolicMmHg),
    pulseBpm: number(vitals.pulseBpm),
    temperatureCelsius: number(vitals.temperatureCelsius),
    respiratoryRatePerMin: number(vitals.respiratoryRatePerMin),
    oxygenSaturationPercent: number(vitals.oxygenSaturationPercent),
    reason: '',
  };
}

/**
 * The content to send for the entry's type: the text, plus the ICD-10 code of a diagnosis, the
 * severity of an allergy or the measurements of vital signs (the server refuses fields of other types).
 * `clearing` sends null for an emptied optional field (amendments) instead of leaving it out.
 */
export function entryInputFrom(values: EntryFormValues, clearing: boolean): HistoryEntryInput {
  const input: { -readonly [K in keyof HistoryEntryInput]: HistoryEntryInput[K] } = {};
  if (values.recordedAt) input.recordedAt = new Date(values.recordedAt).toISOString();
  const text = values.text.trim();
  if (text) input.text = text;
  else if (clearing) input.text = null;
  if (values.type === 'diagnosis') {
    const code = values.icd10Code.trim().toUpperCase();
    if (code) input.icd10Code = code;
    else if (clearing) input.icd10Code = null;
  }
  if (values.type === 'allergy') {
    if (values.severity) input.severity = values.severity;
    else if (clearing) input.severity = null;
  }
  if (values.type === 'vital_signs') {
    const vitals: Record<string, number> = {};
    for (const field of VITAL_FIELDS) {
      const raw = values[field.name].trim();
      if (raw !== '' && Number.isFinite(Number(raw))) vitals[field.name] = Number(raw);
    }
    input.vitals = vitals;
  }
  return input;
}

/** The form's own checks; the server checks the ranges and the rules of each type again. */
export function validateEntryForm(
  values: EntryFormValues,
  amending: boolean,
): Partial<Record<keyof EntryFormValues, string>> {
  const errors: Partial<Record<keyof EntryFormValues, string>> = {};
  if (values.type !== 'vital_signs' && !values.text.trim())
    errors.text = `Enter the ${TEXT_LABELS[values.type].toLowerCase()}.`;
  if (
    values.type === 'diagnosis' &&
    values.icd10Code.trim() &&
    !/^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$/i.test(values.icd10Code.trim())
  ) {
    errors.icd10Code = 'Enter an ICD-10 code such as I10 or E11.9.';
  }
  if (values.type === 'vital_signs' && VITAL_FIELDS.every((field) => values[field.name].trim() === '')) {
    errors.pulseBpm = 'Enter at least one measurement.';
  }
  if (values.recordedAt && new Date(values.recordedAt).getTime() > Date.now() + 5 * 60_000) {
    errors.recordedAt = 'The time cannot be in the future.';
  }
  if (amending && !values.reason.trim())
    errors.reason = 'Say why the entry is amended; it is kept with the new version.';
  return errors;
}
