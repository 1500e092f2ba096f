import postgres from 'postgres';
import type { Database } from '../../src/db/database.js';
import { openDatabase } from '../../src/node/database.js';

/**
 * Database tests run against every target available: embedded PGlite always, and the real
 * PostgreSQL named by TEST_DATABASE_URL (CI sets it). Each opened database is fresh: a new
 * in-memory PGlite, or a new database created on the server and dropped afterwards.
 */
export type DbTarget = 'pglite' | 'postgres';
/** The target of this run of the file; vitest.config.ts runs test/db once per target. */
export const DB_TARGET: DbTarget = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';

export async function freshDatabase(target: DbTarget = DB_TARGET): Promise<Database & { drop(): Promise<void>; url?: string }> {
  if (target === 'pglite') {
    const d = await openDatabase({ dataDir: 'memory://' });
    return { ...d, drop: () => d.close() };
  }
  const base = new URL(process.env.TEST_DATABASE_URL!);
  const name = `gw_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(base.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const d = await openDatabase({ url: url.toString(), dataDir: '', poolSize: 20 });
  return {
    ...d,
    url: url.toString(),
    drop: async () => {
      await d.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
