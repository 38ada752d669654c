import {
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationResult,
  type UseQueryResult,
} from '@tanstack/react-query';
import { api, newIdempotencyKey, type ApiError } from '@/lib/api-client';
import { patientKeys } from './patients';

/** The patient's appointments, admissions and invoices, as the patient page lists them. */
export interface PatientAppointment {
  readonly id: string;
  readonly doctorId: string;
  readonly doctorName: string;
  readonly start: string;
  readonly end: string;
  readonly status: 'scheduled' | 'checked_in' | 'completed' | 'cancelled' | 'no_show';
  readonly reason: string | null;
  readonly overbooked: boolean;
}

export interface PatientAdmission {
  readonly id: string;
  readonly status: 'admitted' | 'transferred' | 'discharged';
  readonly triagePriority: number;
  readonly chiefComplaint: string;
  readonly arrivedAt: string;
  readonly department: { readonly name: string } | null;
  readonly doctor: { readonly name: string } | null;
  readonly ward: string | null;
  readonly bed: string | null;
  readonly dischargedAt: string | null;
}

export interface PatientInvoice {
  readonly id: string;
  readonly number: string | null;
  readonly status: 'draft' | 'issued' | 'partially_paid' | 'paid' | 'void';
  readonly totalCents: number;
  readonly paidCents: number;
  readonly outstandingCents: number;
  readonly issueDate: string | null;
  readonly createdAt: string;
}

interface Page<T> {
  readonly items: T[];
  readonly total: number;
}

function listQuery<T>(patientId: string, part: string, path: string, query: Record<string, string | number>) {
  return queryOptions({
    queryKey: patientKeys.related(patientId, part),
    queryFn: ({ signal }) => api.get<Page<T>>(path, { ...query, patientId }, signal),
  });
}

export function usePatientAppointments(patientId: string): UseQueryResult<Page<PatientAppointment>> {
  return useQuery(
    listQuery<PatientAppointment>(patientId, 'appointments', '/api/v1/appointments', { limit: 100 }),
  );
}

export function usePatientAdmissions(patientId: string): UseQueryResult<Page<PatientAdmission>> {
  return useQuery(listQuery<PatientAdmission>(patientId, 'admissions', '/api/v1/admissions', { limit: 100 }));
}

export function usePatientInvoices(patientId: string): UseQueryResult<Page<PatientInvoice>> {
  return useQuery(listQuery<PatientInvoice>(patientId, 'invoices', '/api/v1/invoices', { limit: 100 }));
}

/**
 * Break the glass: opens the patient's clinical record outside the user's care for a limited time;
 * audited and reviewed. The server may ask for a fresh second factor first.
 */
export function useBreakTheGlass(
  patientId: string,
): UseMutationResult<{ expiresAt: string }, ApiError, string> {
  const queryClient = useQueryClient();
  return useMutation<{ expiresAt: string }, ApiError, string>({
    mutationFn: (reason) =>
      api.post<{ expiresAt: string }>(
        `/api/v1/patients/${encodeURIComponent(patientId)}/emergency-access`,
        { reason },
        { idempotencyKey: newIdempotencyKey() },
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['patients', patientId] }),
  });
}
