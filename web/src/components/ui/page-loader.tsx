import { Center, Loader, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';

/** While a page's code or first data loads. The label is read by screen readers; the spinner is not. */
export function PageLoader({ label = 'Loading' }: { label?: string }): ReactNode {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Loader aria-hidden />
      <VisuallyHidden>{label}</VisuallyHidden>
    </Center>
  );
}
