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
    // Vitest's default is one worker fewer than the cores: on a 2-core CI machine, one, and the
    // suite ran file after file. Much of it waits on PostgreSQL, child processes and Chromium, so
    // two run side by side on two cores.
    maxWorkers: 2,
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
