import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real engines (dockerd, dynalite, the local gateway); give them room.
    testTimeout: 30_000,
    hookTimeout: 180_000,
  },
});
