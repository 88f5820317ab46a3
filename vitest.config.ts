import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/slow/: npm run test:pack (vitest.pack.config.ts).
    exclude: ['test/slow/**', 'node_modules/**'],
    testTimeout: 30000,
  },
});
