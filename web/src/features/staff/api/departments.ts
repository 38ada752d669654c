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

/** The fields staff edit on a department (PATCH /api/v1/departments/{id}). */
export interface DepartmentDetails {
  readonly code: string;
  readonly name: string;
  readonly headDoctorId: string | null;
  readonly location: string | null;
  readonly floor: string | null;
  readonly phone: string | null;
  readonly email: string | null;
  readonly operatingHours: string | null;
}

export interface Department extends DepartmentDetails {
  readonly id: string;
  readonly archived: boolean;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface DepartmentSearchParams {
  readonly q?: string;
  readonly includeArchived?: boolean;
  readonly limit: number;
  readonly offset: number;
}

export interface DepartmentList {
  readonly items: Department[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

/** A person on a department's staff: a user account or a doctor. */
export interface StaffMember {
  readonly id: string;
  readonly departmentId: string;
  readonly userId: string | null;
  readonly doctorId: string | null;
  readonly displayName: string;
  readonly position: string;
  readonly createdAt: string;
}

export type AssignStaffInput =
  | { readonly doctorId: string; readonly position: string }
  | { readonly userId: string; readonly position: string };

export const departmentKeys = {
  all: ['departments'] as const,
  search: (params: DepartmentSearchParams) => ['departments', 'search', params] as const,
  record: (departmentId: string) => ['departments', 'record', departmentId] as const,
  staff: (departmentId: string) => ['departments', departmentId, 'staff'] as const,
};

const departmentPath = (departmentId: string, rest = ''): string =>
  `/api/v1/departments/${encodeURIComponent(departmentId)}${rest}`;

export function departmentSearchQueryOptions(params: DepartmentSearchParams) {
  return queryOptions({
    queryKey: departmentKeys.search(params),
    queryFn: ({ signal }) => api.get<DepartmentList>('/api/v1/departments', { ...params }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useDepartmentSearch(params: DepartmentSearchParams): UseQueryResult<DepartmentList> {
  return useQuery(departmentSearchQueryOptions(params));
}

/** Every department in service, for pickers and for naming a doctor's department (few, so one page). */
export function useAllDepartments(): UseQueryResult<DepartmentList> {
  return useQuery({ ...departmentSearchQueryOptions({ limit: 500, offset: 0 }), staleTime: 5 * 60_000 });
}

/** A department and the ETag to send back with an edit. */
export type VersionedDepartment = Versioned<'department', Department>;

export function departmentQueryOptions(departmentId: string) {
  return versionedQuery<'department', Department>(
    'department',
    departmentKeys.record(departmentId),
    departmentPath(departmentId),
  );
}

export function useDepartment(departmentId: string): UseQueryResult<VersionedDepartment> {
  return useQuery(departmentQueryOptions(departmentId));
}

export type UpdateDepartmentInput = VersionedUpdate<Partial<DepartmentDetails>>;

/** PATCH with If-Match: 412 when someone saved the department in between. */
export function useUpdateDepartment(
  departmentId: string,
): UseMutationResult<VersionedDepartment, ApiError, UpdateDepartmentInput> {
  return useVersionedUpdate({
    patch: (update) =>
      patchVersioned<'department', Department>('department', departmentPath(departmentId), update),
    recordKey: departmentKeys.record(departmentId),
    listKey: ['departments', 'search'],
  });
}

export function useDepartmentStaff(departmentId: string): UseQueryResult<{ items: StaffMember[] }> {
  return useQuery({
    queryKey: departmentKeys.staff(departmentId),
    queryFn: ({ signal }) =>
      api.get<{ items: StaffMember[] }>(departmentPath(departmentId, '/staff'), undefined, signal),
  });
}

export function useAssignStaff(
  departmentId: string,
): UseMutationResult<StaffMember, ApiError, AssignStaffInput> {
  const queryClient = useQueryClient();
  return useMutation<StaffMember, ApiError, AssignStaffInput>({
    mutationFn: (input) => api.post<StaffMember>(departmentPath(departmentId, '/staff'), input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: departmentKeys.staff(departmentId) }),
  });
}

export function useRemoveStaff(departmentId: string): UseMutationResult<null, ApiError, string> {
  const queryClient = useQueryClient();
  return useMutation<null, ApiError, string>({
    mutationFn: (assignmentId) =>
      api.delete(departmentPath(departmentId, `/staff/${encodeURIComponent(assignmentId)}`)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: departmentKeys.staff(departmentId) }),
  });
}

/** A user account as the staff picker shows it (GET /api/v1/users, administrators only). */
export interface UserChoice {
  readonly id: string;
  readonly username: string;
  readonly displayName: string | null;
}

export function useUserChoices(q: string, enabled: boolean): UseQueryResult<{ items: UserChoice[] }> {
  return useQuery({
    queryKey: ['departments', 'user-choices', q],
    queryFn: ({ signal }) =>
      api.get<{ items: UserChoice[] }>('/api/v1/users', { q, active: true, limit: 20 }, signal),
    enabled,
    placeholderData: keepPreviousData,
  });
}

export type CreateDepartmentInput = DepartmentDetails;

/** POST /api/v1/departments with an Idempotency-Key; 409 when the code is taken. */
export function useCreateDepartment(
  idempotencyKey: string,
): UseMutationResult<Department, ApiError, CreateDepartmentInput> {
  return useIdempotentCreate({
    path: '/api/v1/departments',
    idempotencyKey,
    invalidateKey: departmentKeys.all,
  });
}
