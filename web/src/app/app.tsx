import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { RouterProvider } from 'react-router';
import { createQueryClient } from '@/lib/query-client';
import { router } from './router';
import { theme } from './theme';

/**
 * The providers. Mantine's run-time <style> elements are off (withCssVariables, withGlobalClasses):
 * the theme's variables come from a build-time stylesheet so that the Content-Security-Policy can
 * refuse inline styles (see web/build/mantine-static-css.ts).
 */
export function App(): ReactNode {
  const [queryClient] = useState(createQueryClient);
  return (
    <MantineProvider
      theme={theme}
      forceColorScheme="light"
      withCssVariables={false}
      withGlobalClasses={false}
    >
      <QueryClientProvider client={queryClient}>
        <Notifications position="bottom-right" limit={3} autoClose={5000} />
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  );
}
