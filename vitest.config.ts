import { defineConfig } from 'vitest/config';

// Unit tests sit next to the code (src/**/*.test.ts); end-to-end tests live in test/.
// Tests that need minutes are opt-in with TSP_SLOW=1 (see README).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
