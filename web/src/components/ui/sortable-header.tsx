import { Table, UnstyledButton, Group } from '@mantine/core';
import { IconArrowsSort, IconSortAscending, IconSortDescending } from '@/components/ui/icons';
import type { ReactNode } from 'react';

export type SortOrder = 'asc' | 'desc';

/** A column header that sorts the table; announces its state with aria-sort. */
export function SortableHeader<Field extends string>({
  field,
  label,
  sort,
  order,
  onSort,
}: {
  field: Field;
  label: string;
  sort: Field | undefined;
  order: SortOrder;
  onSort: (field: Field, order: SortOrder) => void;
}): ReactNode {
  const active = sort === field;
  const Icon = !active ? IconArrowsSort : order === 'asc' ? IconSortAscending : IconSortDescending;
  return (
    <Table.Th aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton
        onClick={() => onSort(field, active && order === 'asc' ? 'desc' : 'asc')}
        aria-label={`Sort by ${label}${active ? (order === 'asc' ? ', currently ascending' : ', currently descending') : ''}`}
      >
        <Group gap={4} wrap="nowrap">
          <span>{label}</span>
          <Icon size={14} aria-hidden />
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}
