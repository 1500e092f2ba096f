/**
 * `npm run db:migrate`: brings a database's schema up to date with the migrator the Node gateway
 * runs at start-up. A Worker cannot read the migrations folder or hold the single connection the
 * migrator needs, so a Workers deploy runs this first (from CI or a laptop) against the database
 * behind its Hyperdrive config. DATABASE_URL names PostgreSQL; without it, the PGlite in DATA_DIR.
 */
import { EnvSchema } from '../src/env.js';
import { migrateDatabase } from '../src/node/database.js';

const env = EnvSchema.pick({ DATABASE_URL: true, DATA_DIR: true }).parse(process.env);
const started = performance.now();
try {
  await migrateDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR });
  // Host and database only: the URL's password must not reach a CI log.
  const where = env.DATABASE_URL ? `${new URL(env.DATABASE_URL).host}${new URL(env.DATABASE_URL).pathname}` : `PGlite ${env.DATA_DIR}`;
  process.stdout.write(`schema of ${where} up to date (${Math.round(performance.now() - started)} ms)\n`);
} catch (err) {
  process.stderr.write(`db:migrate failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
