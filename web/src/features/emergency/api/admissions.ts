import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationResult,
  type UseQueryResult,
} from '@tanstack/react-query';
import { api, newIdempotencyKey, type ApiError } from '@/lib/api-client';

export type AdmissionStatus = 'admitted' | 'transferred' | 'discharged';
export type Sex = 'female' | 'male' | 'other' | 'unknown';

export const DISCHARGE_DISPOSITIONS = [
  'home',
  'transferred_out',
  'against_medical_advice',
  'deceased',
  'other',
] as const;
export type DischargeDisposition = (typeof DISCHARGE_DISPOSITIONS)[number];

/** An admission as the board and the list show it (GET /api/v1/admissions/board). */
export interface Admission {
  readonly id: string;
  readonly status: AdmissionStatus;
  /** Emergency Severity Index: 1 most urgent, 5 least. */
  readonly triagePriority: number;
  readonly chiefComplaint: string;
  readonly arrivedAt: string;
  readonly patient: {
    readonly id: string;
    readonly mrn: string;
    readonly name: string;
    readonly dateOfBirth: string;
    readonly dateOfBirthEstimated: boolean;
    readonly sex: string;
    readonly unidentified: boolean;
  };
  readonly department: { readonly id: string; readonly code: string; readonly name: string } | null;
  readonly doctor: { readonly id: string; readonly name: string } | null;
  readonly ward: string | null;
  readonly bed: string | null;
  readonly version: number;
}

export interface BoardItem extends Admission {
  /** Whole minutes between arrival and `generatedAt`. */
  readonly minutesSinceArrival: number;
}

export interface Board {
  readonly generatedAt: string;
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly items: BoardItem[];
}

/** POST /api/v1/admissions: a registered patient (patientId) or an unidentified one. */
export interface AdmitInput {
  readonly patientId?: string;
  readonly unidentifiedPatient?: { readonly sex?: Sex; readonly estimatedAgeYears: number };
  readonly triagePriority: number;
  readonly chiefComplaint: string;
  readonly departmentId?: string;
}

export interface DischargeInput {
  readonly disposition: DischargeDisposition;
  readonly note?: string;
}

export const admissionKeys = {
  all: ['admissions'] as const,
  board: (departmentId: string | null, limit: number, offset: number) =>
    ['admissions', 'board', departmentId, limit, offset] as const,
};

/** How often the open board asks again: the waiting times move by the minute. */
export const BOARD_REFRESH_MS = 30_000;

/** The live board, most urgent first and then longest waiting; refreshed every 30 seconds. */
export function useBoard(params: {
  departmentId: string | null;
  limit: number;
  offset: number;
}): UseQueryResult<Board> {
  return useQuery({
    queryKey: admissionKeys.board(params.departmentId, params.limit, params.offset),
    queryFn: ({ signal }) =>
      api.get<Board>(
        '/api/v1/admissions/board',
        {
          ...(params.departmentId ? { departmentId: params.departmentId } : {}),
          limit: params.limit,
          offset: params.offset,
        },
        signal,
      ),
    refetchInterval: BOARD_REFRESH_MS,
    staleTime: 0,
    placeholderData: keepPreviousData,
  });
}

/** POST with an Idempotency-Key per form, so that a double click admits once. */
export function useAdmit(idempotencyKey: string): UseMutationResult<Admission, ApiError, AdmitInput> {
  const queryClient = useQueryClient();
  return useMutation<Admission, ApiError, AdmitInput>({
    mutationFn: (input) => api.post<Admission>('/api/v1/admissions', input, { idempotencyKey }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: admissionKeys.all }),
  });
}

const admissionPath = (admission: Pick<Admission, 'id'>, action: string): string =>
  `/api/v1/admissions/${encodeURIComponent(admission.id)}/${action}`;

/** Sends If-Match with the version the board showed: 412 when someone changed the admission since. */
export function useDischarge(): UseMutationResult<
  Admission,
  ApiError,
  { admission: Admission; input: DischargeInput }
> {
  const queryClient = useQueryClient();
  return useMutation<Admission, ApiError, { admission: Admission; input: DischargeInput }>({
    mutationFn: ({ admission, input }) =>
      api.post<Admission>(admissionPath(admission, 'discharge'), input, {
        ifMatch: `"${admission.version}"`,
        idempotencyKey: newIdempotencyKey(),
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: admissionKeys.all }),
  });
}

/** Names the registered patient an unidentified one turned out to be; the temporary record is merged. */
export function useIdentify(): UseMutationResult<
  Admission,
  ApiError,
  { admission: Admission; patientId: string }
> {
  const queryClient = useQueryClient();
  return useMutation<Admission, ApiError, { admission: Admission; patientId: string }>({
    mutationFn: ({ admission, patientId }) =>
      api.post<Admission>(
        admissionPath(admission, 'identify'),
        { patientId },
        { idempotencyKey: newIdempotencyKey() },
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: admissionKeys.all }),
  });
}

export interface PatientChoice {
  readonly id: string;
  readonly mrn: string;
  readonly name: string;
  readonly dateOfBirth: string;
}

/** Registered patients by name, MRN or phone, for admitting or identifying (at least 2 characters). */
export function usePatientChoices(q: string): UseQueryResult<{ items: PatientChoice[] }> {
  return useQuery({
    queryKey: ['admissions', 'patient-choices', q],
    queryFn: ({ signal }) =>
      api.get<{ items: PatientChoice[] }>('/api/v1/patients', { q, limit: 10 }, signal),
    enabled: q.length >= 2,
    placeholderData: keepPreviousData,
  });
}

export interface DepartmentChoice {
  readonly id: string;
  readonly code: string;
  readonly name: string;
}

export function useDepartmentChoices(): UseQueryResult<{ items: DepartmentChoice[] }> {
  return useQuery({
    queryKey: ['admissions', 'department-choices'],
    queryFn: ({ signal }) =>
      api.get<{ items: DepartmentChoice[] }>('/api/v1/departments', { limit: 500 }, signal),
    staleTime: 5 * 60_000,
  });
}
