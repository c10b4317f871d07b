import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Live tests start their own Caddy per file; two workers fit the 2-core CI machine.
    maxWorkers: 2,
  },
});
