import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Database, Db } from '../db/database.js';
import { openPostgres } from '../db/postgres.js';
import * as schema from '../db/schema.js';
import { tracedTransactions } from '../db/traced-transactions.js';
import { ensurePgliteFolder, PGLITE_START_PARAMS } from './pglite-folder.js';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Opens the gateway's database and brings its schema up to date: Postgres when a URL is given,
 * otherwise embedded PGlite in `dataDir` (`memory://` for a throwaway one in tests).
 */
export async function openDatabase(opts: { url?: string; dataDir: string; poolSize?: number }): Promise<Database> {
  if (opts.url) {
    await migratePostgresUrl(opts.url);
    return openPostgres(opts.url, { max: opts.poolSize });
  }
  await ensurePgliteFolder(opts.dataDir);
  const client = new PGlite(opts.dataDir, { startParams: PGLITE_START_PARAMS });
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return {
    db: tracedTransactions(db as unknown as Db, 'pglite'),
    kind: 'pglite',
    ping: async () => void (await db.execute(sql`select 1`)),
    close: () => client.close(),
  };
}

/** `npm run db:migrate`: the start-up migrations alone, for deployments that cannot run them (Workers). */
export async function migrateDatabase(opts: { url?: string; dataDir: string }): Promise<void> {
  if (opts.url) return migratePostgresUrl(opts.url);
  await (await openDatabase(opts)).close();
}

/** Migrations run on a single short-lived connection so the pool never sees a half-migrated schema. */
async function migratePostgresUrl(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migratePostgres(drizzlePostgres(client), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.end({ timeout: 5 });
  }
}
