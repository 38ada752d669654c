import {
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationResult,
  type UseQueryResult,
} from '@tanstack/react-query';
import {
  api,
  newIdempotencyKey,
  uploadWithProgress,
  type ApiError,
  type UploadProgress,
} from '@/lib/api-client';
import { patientKeys } from './patients';

export const DOCUMENT_CATEGORIES = [
  'id_scan',
  'referral',
  'lab_report',
  'imaging',
  'consent',
  'photo',
  'other',
] as const;
export type DocumentCategory = (typeof DOCUMENT_CATEGORIES)[number];

/** What the server accepts, decided from the content: PDF, PNG, JPEG, WebP, TIFF or DICOM. */
export const DOCUMENT_ACCEPT =
  'application/pdf,image/png,image/jpeg,image/webp,image/tiff,application/dicom,.dcm';
export const PHOTO_ACCEPT = 'image/png,image/jpeg,image/webp';

export interface PatientDocument {
  readonly id: string;
  readonly patientId: string;
  readonly title: string;
  readonly category: DocumentCategory;
  readonly contentType: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly originalFilename: string | null;
  readonly profilePhoto: boolean;
  readonly uploadedBy: string;
  readonly uploadedAt: string;
  readonly archived: boolean;
  readonly archivedAt: string | null;
}

const documentsPath = (patientId: string): string =>
  `/api/v1/patients/${encodeURIComponent(patientId)}/documents`;

export async function getDocuments(
  patientId: string,
  signal?: AbortSignal,
): Promise<{ items: PatientDocument[]; total: number }> {
  return api.get(documentsPath(patientId), { limit: 200 }, signal);
}

export function documentsQueryOptions(patientId: string) {
  return queryOptions({
    queryKey: patientKeys.related(patientId, 'documents'),
    queryFn: ({ signal }) => getDocuments(patientId, signal),
  });
}

export function useDocuments(
  patientId: string,
  options: { enabled?: boolean } = {},
): UseQueryResult<{ items: PatientDocument[]; total: number }> {
  return useQuery({ ...documentsQueryOptions(patientId), enabled: options.enabled ?? true });
}

export function documentContentUrl(patientId: string, documentId: string): string {
  return `${documentsPath(patientId)}/${encodeURIComponent(documentId)}/content`;
}

export function photoUrl(patientId: string, version: string): string {
  // The document id in the query makes a new photo a new URL, so the browser does not show the old one.
  return `/api/v1/patients/${encodeURIComponent(patientId)}/photo?v=${encodeURIComponent(version)}`;
}

export interface UploadInput {
  readonly file: File;
  readonly title?: string;
  readonly category?: DocumentCategory;
  readonly onProgress?: (progress: UploadProgress) => void;
}

/** multipart/form-data with the file in `file` (CONTRACT §3); the text fields first, then the file. */
function uploadForm(input: UploadInput): FormData {
  const form = new FormData();
  if (input.title) form.append('title', input.title);
  if (input.category) form.append('category', input.category);
  form.append('file', input.file, input.file.name);
  return form;
}

export function useUploadDocument(
  patientId: string,
): UseMutationResult<PatientDocument, ApiError, UploadInput> {
  const queryClient = useQueryClient();
  return useMutation<PatientDocument, ApiError, UploadInput>({
    mutationFn: (input) =>
      uploadWithProgress<PatientDocument>(documentsPath(patientId), uploadForm(input), {
        ...(input.onProgress ? { onProgress: input.onProgress } : {}),
        idempotencyKey: newIdempotencyKey(),
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: patientKeys.related(patientId, 'documents') }),
  });
}

export function useSetPhoto(patientId: string): UseMutationResult<PatientDocument, ApiError, UploadInput> {
  const queryClient = useQueryClient();
  return useMutation<PatientDocument, ApiError, UploadInput>({
    mutationFn: (input) =>
      uploadWithProgress<PatientDocument>(
        `/api/v1/patients/${encodeURIComponent(patientId)}/photo`,
        uploadForm({ file: input.file }),
        { method: 'PUT', ...(input.onProgress ? { onProgress: input.onProgress } : {}) },
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: patientKeys.related(patientId, 'documents') }),
  });
}

export function useArchiveDocument(patientId: string): UseMutationResult<PatientDocument, ApiError, string> {
  const queryClient = useQueryClient();
  return useMutation<PatientDocument, ApiError, string>({
    mutationFn: (documentId) =>
      api.post<PatientDocument>(`${documentsPath(patientId)}/${encodeURIComponent(documentId)}/archive`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: patientKeys.related(patientId, 'documents') }),
  });
}
