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
  useVersionedUpdate,
  versionedQuery,
  type Versioned,
  type VersionedUpdate,
} from '@/lib/versioned-record';

export type Sex = 'female' | 'male' | 'other' | 'unknown';

/** A row of the patient search (GET /api/v1/patients). */
export interface PatientSummary {
  readonly id: string;
  readonly mrn: string;
  readonly name: string;
  readonly dateOfBirth: string;
  readonly sex: Sex;
  readonly phone: string | null;
  readonly archived: boolean;
}

/** The demographic fields staff edit. */
export interface PatientDemographics {
  readonly name: string;
  readonly dateOfBirth: string;
  readonly sex: Sex;
  readonly phone: string | null;
  readonly email: string | null;
  readonly address: string | null;
  readonly emergencyContactName: string | null;
  readonly emergencyContactPhone: string | null;
  readonly insuranceProvider: string | null;
  readonly insuranceNumber: string | null;
}

/** GET /api/v1/patients/{id}. */
export interface Patient extends PatientDemographics {
  readonly id: string;
  readonly mrn: string;
  readonly archived: boolean;
  /** A temporary record of an emergency admission, for a patient not yet identified. */
  readonly unidentified: boolean;
  readonly dateOfBirthEstimated: boolean;
  /** Where the record's data went when a merge or an identification archived it. */
  readonly mergedIntoPatientId: string | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface PatientSearchParams {
  readonly q?: string;
  readonly sort?: 'name' | 'mrn' | 'dateOfBirth' | 'createdAt';
  readonly order?: 'asc' | 'desc';
  readonly includeArchived?: boolean;
  readonly limit: number;
  readonly offset: number;
}

export interface PatientList {
  readonly items: PatientSummary[];
  readonly total: number;
  readonly totalIsLowerBound: boolean;
  readonly limit: number;
  readonly offset: number;
}

export const patientKeys = {
  all: ['patients'] as const,
  search: (params: PatientSearchParams) => ['patients', 'search', params] as const,
  record: (patientId: string) => ['patients', 'record', patientId] as const,
  /** Everything shown on one patient's page: history, documents, appointments... */
  related: (patientId: string, part: string, ...rest: unknown[]) =>
    ['patients', patientId, part, ...rest] as const,
};

export async function searchPatients(
  params: PatientSearchParams,
  signal?: AbortSignal,
): Promise<PatientList> {
  return api.get<PatientList>('/api/v1/patients', { ...params }, signal);
}

export function patientSearchQueryOptions(params: PatientSearchParams) {
  return queryOptions({
    queryKey: patientKeys.search(params),
    queryFn: ({ signal }) => searchPatients(params, signal),
    // Typing refines the search: the previous results stay on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}

export function usePatientSearch(params: PatientSearchParams): UseQueryResult<PatientList> {
  return useQuery(patientSearchQueryOptions(params));
}

/** A patient record and the ETag to send back with an edit. */
export type VersionedPatient = Versioned<'patient', Patient>;

const patientPath = (patientId: string): string => `/api/v1/patients/${encodeURIComponent(patientId)}`;

export function patientQueryOptions(patientId: string) {
  return versionedQuery<'patient', Patient>('patient', patientKeys.record(patientId), patientPath(patientId));
}

export function usePatient(patientId: string): UseQueryResult<VersionedPatient> {
  return useQuery(patientQueryOptions(patientId));
}

export interface DuplicateWarning {
  readonly code: 'possible_duplicate';
  readonly message: string;
  readonly patients: PatientSummary[];
}

export type RegisteredPatient = Patient & { readonly warnings: DuplicateWarning[] };

export type RegisterPatientInput = Partial<PatientDemographics> &
  Pick<PatientDemographics, 'name' | 'dateOfBirth'>;

/** POST /api/v1/patients with an Idempotency-Key, so that a double click registers once. */
export async function registerPatient(
  input: RegisterPatientInput,
  idempotencyKey: string,
): Promise<RegisteredPatient> {
  return api.post<RegisteredPatient>('/api/v1/patients', input, { idempotencyKey });
}

export function useRegisterPatient(
  idempotencyKey: string,
): UseMutationResult<RegisteredPatient, ApiError, RegisterPatientInput> {
  const queryClient = useQueryClient();
  return useMutation<RegisteredPatient, ApiError, RegisterPatientInput>({
    mutationFn: (input) => registerPatient(input, idempotencyKey),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['patients', 'search'] }),
  });
}

export type UpdatePatientInput = VersionedUpdate<Partial<PatientDemographics>>;

/** PATCH /api/v1/patients/{id} with If-Match: 412 when someone saved in between. */
export function useUpdatePatient(
  patientId: string,
): UseMutationResult<VersionedPatient, ApiError, UpdatePatientInput> {
  return useVersionedUpdate({
    patch: (update) => patchVersioned<'patient', Patient>('patient', patientPath(patientId), update),
    recordKey: patientKeys.record(patientId),
    listKey: ['patients', 'search'],
  });
}
