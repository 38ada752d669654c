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

export const HISTORY_TYPES = [
  'diagnosis',
  'allergy',
  'medication',
  'procedure',
  'vital_signs',
  'clinical_note',
] as const;
export type HistoryType = (typeof HISTORY_TYPES)[number];

export const SEVERITIES = ['mild', 'moderate', 'severe', 'life_threatening'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Vitals {
  readonly systolicMmHg?: number;
  readonly diastolicMmHg?: number;
  readonly pulseBpm?: number;
  readonly temperatureCelsius?: number;
  readonly respiratoryRatePerMin?: number;
  readonly oxygenSaturationPercent?: number;
}

export interface Person {
  readonly userId: string;
  readonly username: string;
}

/** One entry of the medical history at its current version. */
export interface HistoryEntry {
  readonly id: string;
  readonly patientId: string;
  readonly type: HistoryType;
  readonly version: number;
  readonly recordedAt: string;
  readonly text: string | null;
  readonly icd10Code: string | null;
  readonly severity: Severity | null;
  readonly vitals: Vitals | null;
  readonly amendmentReason: string | null;
  readonly author: Person;
  readonly createdAt: string;
  readonly firstRecordedBy: Person;
  readonly firstCreatedAt: string;
  readonly enteredInError: {
    readonly reason: string;
    readonly markedAt: string;
    readonly markedBy: Person;
  } | null;
}

export interface HistoryFilters {
  readonly type?: HistoryType;
  readonly from?: string;
  readonly to?: string;
  readonly includeEnteredInError?: boolean;
  readonly limit: number;
  readonly offset: number;
}

export interface HistoryPage {
  readonly items: HistoryEntry[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

const historyPath = (patientId: string): string =>
  `/api/v1/patients/${encodeURIComponent(patientId)}/history`;

export async function getHistory(
  patientId: string,
  filters: HistoryFilters,
  signal?: AbortSignal,
): Promise<HistoryPage> {
  return api.get<HistoryPage>(historyPath(patientId), { ...filters }, signal);
}

export function historyQueryOptions(patientId: string, filters: HistoryFilters) {
  return queryOptions({
    queryKey: patientKeys.related(patientId, 'history', filters),
    queryFn: ({ signal }) => getHistory(patientId, filters, signal),
  });
}

export function useHistory(patientId: string, filters: HistoryFilters): UseQueryResult<HistoryPage> {
  return useQuery(historyQueryOptions(patientId, filters));
}

export interface HistoryVersion {
  readonly version: number;
  readonly recordedAt: string;
  readonly text: string | null;
  readonly icd10Code: string | null;
  readonly severity: Severity | null;
  readonly vitals: Vitals | null;
  readonly amendmentReason: string | null;
  readonly author: Person;
  readonly createdAt: string;
}

export async function getHistoryVersions(
  patientId: string,
  entryId: string,
  signal?: AbortSignal,
): Promise<{ entryId: string; currentVersion: number; items: HistoryVersion[] }> {
  return api.get(`${historyPath(patientId)}/${encodeURIComponent(entryId)}/versions`, undefined, signal);
}

export function useHistoryVersions(
  patientId: string,
  entryId: string,
): UseQueryResult<{ entryId: string; currentVersion: number; items: HistoryVersion[] }> {
  return useQuery({
    queryKey: patientKeys.related(patientId, 'history-versions', entryId),
    queryFn: ({ signal }) => getHistoryVersions(patientId, entryId, signal),
  });
}

export interface HistoryEntryInput {
  readonly recordedAt?: string;
  readonly text?: string | null;
  readonly icd10Code?: string | null;
  readonly severity?: Severity | null;
  readonly vitals?: Vitals;
}

export interface NewHistoryEntry extends HistoryEntryInput {
  readonly type: HistoryType;
}

function useInvalidateHistory(patientId: string): () => Promise<void> {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: patientKeys.related(patientId, 'history') });
}

export function useAddHistoryEntry(
  patientId: string,
): UseMutationResult<HistoryEntry, ApiError, NewHistoryEntry> {
  const invalidate = useInvalidateHistory(patientId);
  return useMutation<HistoryEntry, ApiError, NewHistoryEntry>({
    mutationFn: (entry) =>
      api.post<HistoryEntry>(historyPath(patientId), entry, { idempotencyKey: newIdempotencyKey() }),
    onSuccess: invalidate,
  });
}

export interface AmendInput extends HistoryEntryInput {
  readonly entryId: string;
  readonly version: number;
  readonly reason: string;
}

/** A new version of the entry; the earlier one stays readable. 412 when someone amended it meanwhile. */
export function useAmendHistoryEntry(
  patientId: string,
): UseMutationResult<HistoryEntry, ApiError, AmendInput> {
  const invalidate = useInvalidateHistory(patientId);
  return useMutation<HistoryEntry, ApiError, AmendInput>({
    mutationFn: ({ entryId, version, ...body }) =>
      api.post<HistoryEntry>(`${historyPath(patientId)}/${encodeURIComponent(entryId)}/amend`, body, {
        ifMatch: `"${version}"`,
      }),
    onSuccess: invalidate,
  });
}

export interface EnteredInErrorInput {
  readonly entryId: string;
  readonly version: number;
  readonly reason: string;
}

export function useMarkEnteredInError(
  patientId: string,
): UseMutationResult<HistoryEntry, ApiError, EnteredInErrorInput> {
  const invalidate = useInvalidateHistory(patientId);
  return useMutation<HistoryEntry, ApiError, EnteredInErrorInput>({
    mutationFn: ({ entryId, version, reason }) =>
      api.post<HistoryEntry>(
        `${historyPath(patientId)}/${encodeURIComponent(entryId)}/entered-in-error`,
        { reason },
        { ifMatch: `"${version}"` },
      ),
    onSuccess: invalidate,
  });
}

/** The history as a PDF; the browser sends the session cookie with the download. */
export function historyPdfUrl(patientId: string): string {
  return `${historyPath(patientId)}.pdf`;
}
