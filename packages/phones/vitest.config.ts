import { defineConfig } from 'vitest/config';

// Fake phones and event listeners run on loopback: files run one after another so ports and CPU are not contended.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
