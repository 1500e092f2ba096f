import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema.js';

/** The one database type the gateway codes against, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle; the same query API as Db. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Cheap round-trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Bulk load by `COPY table (columns) FROM STDIN` in text format: each chunk is whole lines, the
   * promise settles when the server has them all (or refused one, or the chunks threw). Only on
   * postgres.js under Node; PGlite and Workers lack it, and their callers insert in batches.
   */
  copyRows?(table: string, columns: readonly string[], chunks: AsyncIterable<string>): Promise<void>;
}
