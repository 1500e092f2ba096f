import { defineConfig } from 'vitest/config';

/**
 * Database tests (test/db) run once per database target: always embedded PGlite, and the real
 * PostgreSQL too when TEST_DATABASE_URL is set (CI sets it), so both stay true.
 */
const dbTargets = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/db/**', 'test/outage/**', 'node_modules/**'] } },
      ...dbTargets.map((target) => ({
        extends: true as const,
        test: { name: `db:${target}`, include: ['test/db/**/*.test.ts'], env: { TEST_DB: target } },
      })),
      // Stops a PostgreSQL cluster: only when asked for (.ci/run, last and alone), never beside other tests.
      ...(process.env.OUTAGE_PG_CLUSTER ? [{ extends: true as const, test: { name: 'outage', include: ['test/outage/**/*.test.ts'] } }] : []),
    ],
  },
});
