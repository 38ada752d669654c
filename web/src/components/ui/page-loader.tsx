import { Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';

/** While a page's code or first data loads. */
export function PageLoader({ label = 'Loading' }: { label?: string }): ReactNode {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Loader aria-label={label} />
    </Center>
  );
}
