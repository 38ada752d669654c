import type { AuditFilters } from '../api/audit';

export interface AuditFormValues {
  username: string;
  action: string;
  patientId: string;
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FORM: AuditFormValues = {
  username: '',
  action: '',
  patientId: '',
  from: '',
  to: '',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The API's filters from what was typed: actions upper-cased, local times as instants; or why not. */
export function auditFiltersFrom(values: AuditFormValues): { filters: AuditFilters } | { problem: string } {
  const action = values.action.trim().toUpperCase().replace(/\s+/g, '_');
  if (action && !/^[A-Z_]+$/.test(action))
    return { problem: 'An action is letters and underscores, like ACCOUNT_LOCKED.' };
  const patientId = values.patientId.trim();
  if (patientId && !UUID.test(patientId))
    return { problem: 'The patient id is the long id from the patient page address.' };
  const instant = (value: string): string | undefined => (value ? new Date(value).toISOString() : undefined);
  const from = instant(values.from);
  const to = instant(values.to);
  if (from && to && from > to) return { problem: 'The start of the period is after its end.' };
  return {
    filters: {
      ...(values.username.trim() ? { username: values.username.trim().toLowerCase() } : {}),
      ...(action ? { action } : {}),
      ...(patientId ? { patientId } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    },
  };
}
