import { Paper, Text } from '@mantine/core';
import type { ReactNode } from 'react';

export function EmptyState({ children }: { children: ReactNode }): ReactNode {
  return (
    <Paper withBorder p="lg" radius="sm">
      <Text c="dimmed" ta="center">
        {children}
      </Text>
    </Paper>
  );
}
