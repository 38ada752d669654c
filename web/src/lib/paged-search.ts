import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';

/** The query of a list page: the search text, archived records or not, and the page. */
export interface PagedSearchParams {
  readonly q?: string;
  readonly includeArchived?: true;
  readonly limit: number;
  readonly offset: number;
}

export interface PagedSearch {
  /** What is in the search box. */
  readonly typed: string;
  /** Changes the search text and goes back to the first page. */
  readonly setTyped: (typed: string) => void;
  readonly includeArchived: boolean;
  /** Shows or hides archived records and goes back to the first page. */
  readonly setIncludeArchived: (includeArchived: boolean) => void;
  readonly page: number;
  readonly setPage: (page: number) => void;
  /** The query to send: the trimmed text once typing has paused, the archive choice and the page. */
  readonly params: PagedSearchParams;
}

/** Search-as-you-type state of a list page, kept in the component. */
export function usePagedSearch(pageSize: number, debounceMs = 300): PagedSearch {
  const [typed, setTypedText] = useState('');
  const [q] = useDebouncedValue(typed.trim(), debounceMs);
  const [includeArchived, setIncludeArchivedFlag] = useState(false);
  const [page, setPage] = useState(1);
  return {
    typed,
    setTyped: (next) => {
      setTypedText(next);
      setPage(1);
    },
    includeArchived,
    setIncludeArchived: (next) => {
      setIncludeArchivedFlag(next);
      setPage(1);
    },
    page,
    setPage,
    params: {
      ...(q ? { q } : {}),
      ...(includeArchived ? { includeArchived: true } : {}),
      limit: pageSize,
      offset: (page - 1) * pageSize,
    },
  };
}
