// `npm run test:pack`: the slow test of the packed tarball (test/slow/), kept out of `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/slow/**/*.test.ts'],
    testTimeout: 120000,
    hookTimeout: 240000,
  },
});
