import { Badge, Group, Pagination, Paper, Switch, Table, Text, TextInput } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { EmptyState } from './empty-state';
import { IconSearch } from './icons';
import { ProblemAlert } from './problem-alert';
import classes from './list-page.module.css';

/** The search box and filters above a list of records. */
export function FilterBar({ children }: { children: ReactNode }): ReactNode {
  return (
    <Paper withBorder p="md" radius="md" mb="md">
      <Group align="flex-end" gap="md" wrap="wrap">
        {children}
      </Group>
    </Paper>
  );
}

/** Search-as-you-type, focused when the page opens. */
export function SearchField({
  label,
  placeholder,
  value,
  onChange,
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
}): ReactNode {
  return (
    <TextInput
      label={label}
      placeholder={placeholder}
      type="search"
      leftSection={<IconSearch size={16} aria-hidden />}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      className={classes.searchInput}
      autoFocus
    />
  );
}

/** The filter that adds archived records to a list. */
export function IncludeArchivedSwitch({
  checked,
  onChange,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
}): ReactNode {
  return (
    <Switch
      label="Include archived"
      checked={checked}
      onChange={(event) => onChange(event.currentTarget.checked)}
    />
  );
}

/** "1 doctor", "3 doctors": the count line of a list. */
export function countOf(total: number, noun: string): string {
  return `${total} ${noun}${total === 1 ? '' : 's'}`;
}

/** Beside the name of an archived record in a list. */
export function ArchivedBadge(): ReactNode {
  return (
    <Badge ml="xs" size="sm" color="gray" variant="light">
      Archived
    </Badge>
  );
}

/** Page links under a list, shown when there is more than one page. */
export function ListPagination({
  total,
  pageSize,
  page,
  onChange,
}: {
  total: number;
  pageSize: number;
  page: number;
  onChange: (page: number) => void;
}): ReactNode {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <Group justify="center" mt="md">
      <Pagination
        total={pages}
        value={page}
        onChange={onChange}
        getControlProps={(control) => ({ 'aria-label': `${control} page` })}
        getItemProps={(item) => ({ 'aria-label': `Page ${item}` })}
      />
    </Group>
  );
}

/** One page of a search as the API returns it. */
export interface SearchPage {
  readonly items: readonly unknown[];
  readonly total: number;
}

/**
 * The results of a search: its error, the count (announced to screen readers), the empty state or a
 * table with a row an item, and the page links.
 */
export function SearchResults<List extends SearchPage>({
  search,
  count,
  empty,
  head,
  row,
  page,
  pageSize,
  onPage,
}: {
  search: UseQueryResult<List>;
  /** The count line, such as "3 doctors". */
  count: (list: List) => string;
  empty: ReactNode;
  /** The header cells. */
  head: ReactNode;
  /** A table row (with its key) for one item. */
  row: (item: List['items'][number]) => ReactNode;
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
}): ReactNode {
  return (
    <>
      <ProblemAlert error={search.error} onRetry={() => void search.refetch()} />
      <Text size="sm" c="dimmed" mb="xs" role="status" aria-live="polite">
        {search.data ? count(search.data) : search.isPending ? 'Searching…' : ''}
      </Text>
      {search.data && search.data.items.length === 0 ? <EmptyState>{empty}</EmptyState> : null}
      {search.data && search.data.items.length > 0 ? (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover verticalSpacing="sm" aria-busy={search.isFetching}>
              <Table.Thead>
                <Table.Tr>{head}</Table.Tr>
              </Table.Thead>
              <Table.Tbody>{search.data.items.map(row)}</Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      ) : null}
      <ListPagination total={search.data?.total ?? 0} pageSize={pageSize} page={page} onChange={onPage} />
    </>
  );
}
