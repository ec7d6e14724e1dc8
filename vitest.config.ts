import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // End-to-end files start real processes and fake servers: a few at a time on a small machine.
    maxWorkers: 2,
  },
});
