import type { SortOrder } from '@/components/ui/sortable-header';

export type PatientSort = 'name' | 'mrn' | 'dateOfBirth' | 'createdAt';

/** The patient list's search, sort and page, kept in the URL so that Back and shared links work. */
export interface PatientListState {
  readonly q: string;
  readonly sort: PatientSort | undefined;
  readonly order: SortOrder;
  readonly page: number;
  readonly includeArchived: boolean;
}

const SORTS: readonly PatientSort[] = ['name', 'mrn', 'dateOfBirth', 'createdAt'];

export function listStateFromSearch(search: URLSearchParams): PatientListState {
  const sort = search.get('sort');
  const page = Number(search.get('page'));
  return {
    q: search.get('q') ?? '',
    sort: SORTS.includes(sort as PatientSort) ? (sort as PatientSort) : undefined,
    order: search.get('order') === 'desc' ? 'desc' : 'asc',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    includeArchived: search.get('archived') === 'true',
  };
}

export function searchFromListState(state: PatientListState): URLSearchParams {
  const search = new URLSearchParams();
  if (state.q) search.set('q', state.q);
  if (state.sort) {
    search.set('sort', state.sort);
    search.set('order', state.order);
  }
  if (state.page > 1) search.set('page', String(state.page));
  if (state.includeArchived) search.set('archived', 'true');
  return search;
}
