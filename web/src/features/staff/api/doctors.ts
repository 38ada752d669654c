import {
  keepPreviousData,
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationResult,
  type UseQueryResult,
} from '@tanstack/react-query';
import { api, type ApiError } from '@/lib/api-client';
import {
  patchVersioned,
  useIdempotentCreate,
  useVersionedUpdate,
  versionedQuery,
  type Versioned,
  type VersionedUpdate,
} from '@/lib/versioned-record';

/** The fields staff edit on a doctor (PATCH /api/v1/doctors/{id}). */
export interface DoctorProfile {
  readonly name: string;
  readonly licenseNumber: string;
  readonly specialization: string;
  readonly departmentId: string | null;
  readonly phone: string | null;
  readonly email: string | null;
  readonly qualifications: string | null;
  readonly slotMinutes: number;
}

/** GET /api/v1/doctors/{id}. */
export interface Doctor extends DoctorProfile {
  readonly id: string;
  readonly userId: string | null;
  readonly archived: boolean;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface DoctorSearchParams {
  readonly q?: string;
  readonly specialization?: string;
  readonly departmentId?: string;
  readonly includeArchived?: boolean;
  readonly limit: number;
  readonly offset: number;
}

export interface DoctorList {
  readonly items: Doctor[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

/** One weekly interval, local to the hospital's time zone; `end` may be 24:00. */
export interface WorkingInterval {
  readonly weekday: number;
  readonly start: string;
  readonly end: string;
}

export interface WorkingHours {
  readonly doctorId: string;
  readonly timeZone: string;
  readonly hours: WorkingInterval[];
}

export type ExceptionKind = 'unavailable' | 'extra';

export interface ScheduleException {
  readonly id: string;
  readonly doctorId: string;
  readonly date: string;
  readonly kind: ExceptionKind;
  readonly start: string | null;
  readonly end: string | null;
  readonly reason: string | null;
  readonly createdAt: string;
}

export interface AddExceptionInput {
  readonly date: string;
  readonly kind: ExceptionKind;
  readonly start?: string;
  readonly end?: string;
  readonly reason?: string;
}

export const doctorKeys = {
  all: ['doctors'] as const,
  search: (params: DoctorSearchParams) => ['doctors', 'search', params] as const,
  record: (doctorId: string) => ['doctors', 'record', doctorId] as const,
  workingHours: (doctorId: string) => ['doctors', doctorId, 'working-hours'] as const,
  exceptions: (doctorId: string) => ['doctors', doctorId, 'exceptions'] as const,
};

const doctorPath = (doctorId: string, rest = ''): string =>
  `/api/v1/doctors/${encodeURIComponent(doctorId)}${rest}`;

export function doctorSearchQueryOptions(params: DoctorSearchParams) {
  return queryOptions({
    queryKey: doctorKeys.search(params),
    queryFn: ({ signal }) => api.get<DoctorList>('/api/v1/doctors', { ...params }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useDoctorSearch(
  params: DoctorSearchParams,
  options: { enabled?: boolean } = {},
): UseQueryResult<DoctorList> {
  return useQuery({ ...doctorSearchQueryOptions(params), enabled: options.enabled ?? true });
}

/** A doctor and the ETag to send back with an edit. */
export type VersionedDoctor = Versioned<'doctor', Doctor>;

export function doctorQueryOptions(doctorId: string) {
  return versionedQuery<'doctor', Doctor>('doctor', doctorKeys.record(doctorId), doctorPath(doctorId));
}

export function useDoctor(doctorId: string): UseQueryResult<VersionedDoctor> {
  return useQuery(doctorQueryOptions(doctorId));
}

export type UpdateDoctorInput = VersionedUpdate<Partial<DoctorProfile>>;

/** PATCH with If-Match: 412 when someone saved the doctor in between. */
export function useUpdateDoctor(
  doctorId: string,
): UseMutationResult<VersionedDoctor, ApiError, UpdateDoctorInput> {
  return useVersionedUpdate({
    patch: (update) => patchVersioned<'doctor', Doctor>('doctor', doctorPath(doctorId), update),
    recordKey: doctorKeys.record(doctorId),
    listKey: ['doctors', 'search'],
  });
}

export type CreateDoctorInput = Omit<DoctorProfile, 'departmentId' | 'slotMinutes'> & {
  readonly departmentId: string;
  readonly slotMinutes?: number;
};

/** POST /api/v1/doctors with an Idempotency-Key; the doctor starts with Monday-Friday 08:00-17:00. */
export function useCreateDoctor(
  idempotencyKey: string,
): UseMutationResult<Doctor, ApiError, CreateDoctorInput> {
  return useIdempotentCreate({
    path: '/api/v1/doctors',
    idempotencyKey,
    invalidateKey: ['doctors', 'search'],
  });
}

export function useWorkingHours(doctorId: string): UseQueryResult<WorkingHours> {
  return useQuery({
    queryKey: doctorKeys.workingHours(doctorId),
    queryFn: ({ signal }) => api.get<WorkingHours>(doctorPath(doctorId, '/working-hours'), undefined, signal),
  });
}

/** PUT replaces the whole week; the server refuses overlaps and names each bad interval. */
export function useReplaceWorkingHours(
  doctorId: string,
): UseMutationResult<WorkingHours, ApiError, WorkingInterval[]> {
  const queryClient = useQueryClient();
  return useMutation<WorkingHours, ApiError, WorkingInterval[]>({
    mutationFn: (hours) => api.put<WorkingHours>(doctorPath(doctorId, '/working-hours'), { hours }),
    onSuccess: (saved) => queryClient.setQueryData(doctorKeys.workingHours(doctorId), saved),
  });
}

/** Leave and extra sessions from today for the coming year. */
export function useScheduleExceptions(doctorId: string): UseQueryResult<{ items: ScheduleException[] }> {
  return useQuery({
    queryKey: doctorKeys.exceptions(doctorId),
    queryFn: ({ signal }) =>
      api.get<{ items: ScheduleException[] }>(doctorPath(doctorId, '/exceptions'), undefined, signal),
  });
}

/** Adds the exceptions one after the other (a change of hours is leave plus an extra session). */
export function useAddScheduleExceptions(
  doctorId: string,
): UseMutationResult<ScheduleException[], ApiError, readonly AddExceptionInput[]> {
  const queryClient = useQueryClient();
  return useMutation<ScheduleException[], ApiError, readonly AddExceptionInput[]>({
    mutationFn: async (inputs) => {
      const added: ScheduleException[] = [];
      for (const input of inputs) {
        added.push(await api.post<ScheduleException>(doctorPath(doctorId, '/exceptions'), input));
      }
      return added;
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: doctorKeys.exceptions(doctorId) }),
  });
}

export function useRemoveScheduleException(doctorId: string): UseMutationResult<null, ApiError, string> {
  const queryClient = useQueryClient();
  return useMutation<null, ApiError, string>({
    mutationFn: (exceptionId) =>
      api.delete(doctorPath(doctorId, `/exceptions/${encodeURIComponent(exceptionId)}`)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: doctorKeys.exceptions(doctorId) }),
  });
}
