import { useMutation, useQueryClient, type QueryKey, type UseMutationResult } from '@tanstack/react-query';
import { api, apiRequest, type ApiError, type ApiResponse } from './api-client';

/** A record under the property `Name` beside the ETag to send back with an edit (`{ doctor, etag }`). */
export type Versioned<Name extends string, T> = { readonly [K in Name]: T } & { readonly etag: string };

function versioned<Name extends string, T extends { readonly version: number }>(
  name: Name,
  response: ApiResponse<T>,
): Versioned<Name, T> {
  const etag = response.etag ?? `"${response.data.version}"`;
  return { [name]: response.data, etag } as Versioned<Name, T>;
}

/** What a PATCH with If-Match sends: the ETag the edit began from and only the changed fields. */
export interface VersionedUpdate<Changes> {
  readonly etag: string;
  readonly changes: Changes;
}

/** GET of one record with its ETag. */
export async function getVersioned<Name extends string, T extends { readonly version: number }>(
  name: Name,
  path: string,
  signal?: AbortSignal,
): Promise<Versioned<Name, T>> {
  return versioned(name, await apiRequest<T>(path, { ...(signal ? { signal } : {}) }));
}

/** The query of one record with its ETag, for useQuery and for fetching afresh after a 412. */
export function versionedQuery<Name extends string, T extends { readonly version: number }>(
  name: Name,
  queryKey: QueryKey,
  path: string,
): {
  readonly queryKey: QueryKey;
  readonly queryFn: (context: { signal: AbortSignal }) => Promise<Versioned<Name, T>>;
} {
  return { queryKey, queryFn: ({ signal }) => getVersioned<Name, T>(name, path, signal) };
}

/** PATCH with If-Match: 412 when someone saved the record since `etag`. */
export async function patchVersioned<Name extends string, T extends { readonly version: number }>(
  name: Name,
  path: string,
  { etag, changes }: VersionedUpdate<unknown>,
): Promise<Versioned<Name, T>> {
  return versioned(name, await apiRequest<T>(path, { method: 'PATCH', body: changes, ifMatch: etag }));
}

/**
 * The edit of a versioned record: the saved version replaces the cached record (with its new ETag),
 * and the lists that show the record are fetched again.
 */
export function useVersionedUpdate<Saved, Changes>(options: {
  readonly patch: (update: VersionedUpdate<Changes>) => Promise<Saved>;
  readonly recordKey: QueryKey;
  readonly listKey: QueryKey;
}): UseMutationResult<Saved, ApiError, VersionedUpdate<Changes>> {
  const queryClient = useQueryClient();
  return useMutation<Saved, ApiError, VersionedUpdate<Changes>>({
    mutationFn: options.patch,
    onSuccess: (saved) => {
      queryClient.setQueryData(options.recordKey, saved);
      void queryClient.invalidateQueries({ queryKey: options.listKey });
    },
  });
}

/** POST with an Idempotency-Key (one a form), so that a double click creates one record. */
export function useIdempotentCreate<Created, Input>(options: {
  readonly path: string;
  readonly idempotencyKey: string;
  /** Queries to fetch again once the record exists. */
  readonly invalidateKey: QueryKey;
}): UseMutationResult<Created, ApiError, Input> {
  const queryClient = useQueryClient();
  return useMutation<Created, ApiError, Input>({
    mutationFn: (input) => api.post<Created>(options.path, input, { idempotencyKey: options.idempotencyKey }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: options.invalidateKey }),
  });
}
