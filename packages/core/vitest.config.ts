import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['test/**/*.test.ts'], setupFiles: ['test/support/property-seed.ts'], env: { TZ: 'Europe/Berlin' }, testTimeout: 120_000 },
});
