import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Hang bounds, not speed targets: the suite must hold on a machine whose cores are busy with other work.
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
});
