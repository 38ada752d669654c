import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The web application's own import alias (web/tsconfig.json), for its unit tests under web/src.
  resolve: { alias: { '@': fileURLToPath(new URL('./web/src', import.meta.url)) } },
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts', 'web/src/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 60_000,
    // expect.poll gives up after 1 s by default: a browser page or a log line can take longer than that
    // while the suite runs two forks, PostgreSQL and Chromium on two cores. As long as Playwright waits.
    expect: { poll: { timeout: 20_000 } },
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
