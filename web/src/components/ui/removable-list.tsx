import { Button, Table, VisuallyHidden } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { EmptyState } from './empty-state';
import { PageLoader } from './page-loader';
import { ProblemAlert } from './problem-alert';

/** The parts of a delete mutation (its variable is the item's id) that the list shows. */
export interface RemoveById {
  readonly mutate: (id: string) => void;
  readonly isPending: boolean;
  readonly variables: string | undefined;
  readonly error: unknown;
}

/**
 * The items of a panel in a table: loading, the errors of the list and of a removal, the empty state,
 * and a Remove button on each row for those allowed to remove.
 */
export function RemovableList<Item extends { readonly id: string }>({
  query,
  remove,
  canRemove,
  loadingLabel,
  removeErrorTitle,
  empty,
  testId,
  head,
  cells,
  removeLabel,
}: {
  query: UseQueryResult<{ items: Item[] }>;
  remove: RemoveById;
  canRemove: boolean;
  loadingLabel: string;
  removeErrorTitle: string;
  empty: ReactNode;
  testId: string;
  /** The header cells, without the actions column. */
  head: ReactNode;
  /** The cells of one item's row, without its Remove button. */
  cells: (item: Item) => ReactNode;
  /** The Remove button's accessible name. */
  removeLabel: (item: Item) => string;
}): ReactNode {
  return (
    <>
      {query.isPending ? <PageLoader label={loadingLabel} /> : null}
      <ProblemAlert error={query.error} onRetry={() => void query.refetch()} />
      <ProblemAlert error={remove.error} title={removeErrorTitle} />
      {query.data && query.data.items.length === 0 ? <EmptyState>{empty}</EmptyState> : null}
      {query.data && query.data.items.length > 0 ? (
        <Table.ScrollContainer minWidth={420}>
          <Table verticalSpacing="xs" data-testid={testId}>
            <Table.Thead>
              <Table.Tr>
                {head}
                {canRemove ? (
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                ) : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {query.data.items.map((item) => (
                <Table.Tr key={item.id}>
                  {cells(item)}
                  {canRemove ? (
                    <Table.Td>
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        loading={remove.isPending && remove.variables === item.id}
                        onClick={() => remove.mutate(item.id)}
                        aria-label={removeLabel(item)}
                      >
                        Remove
                      </Button>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
    </>
  );
}
