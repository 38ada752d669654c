import { Badge } from '@mantine/core';
import type { ReactNode } from 'react';
import { humanise } from '@/lib/format';

const STATUS_COLORS: Readonly<Record<string, string>> = {
  draft: 'gray',
  issued: 'blue',
  partially_paid: 'yellow',
  paid: 'green',
  void: 'gray',
  submitted: 'blue',
  in_review: 'violet',
  approved: 'teal',
  partially_approved: 'yellow',
  rejected: 'red',
};

/** An invoice's or a claim's status, in words with a colour. */
export function StatusBadge({ status }: { status: string }): ReactNode {
  return (
    <Badge size="sm" variant="light" color={STATUS_COLORS[status] ?? 'gray'} data-testid="status">
      {humanise(status)}
    </Badge>
  );
}
