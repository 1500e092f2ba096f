import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Database, Db } from './database.js';
import * as schema from './schema.js';
import { tracedTransactions } from './traced-transactions.js';

/**
 * How long a pool connection waits before connecting again after a failed attempt, in seconds.
 * postgres.js backs off up to 20 s, and a query queued on that connection waits as long: during
 * an outage a request would hang 20 s before its 503, and after it the gateway would notice the
 * server back only that late. Capped at 1 s, an attempt costs a refused connect.
 */
export const reconnectBackoffSeconds = (retries: number) => Math.min(0.05 * 2 ** retries, 1);

/** Postgres through postgres.js: works on Node and, via Hyperdrive, on Workers. */
export function openPostgres(url: string, opts: { max?: number; fetchTypes?: boolean } = {}): Database {
  const client = postgres(url, { max: opts.max ?? 10, onnotice: () => {}, prepare: true, backoff: reconnectBackoffSeconds, connect_timeout: 10, fetch_types: opts.fetchTypes ?? true });
  const db = tracedTransactions(drizzle(preparingRepeats(client), { schema }) as unknown as Db, 'postgresql');
  return {
    db,
    kind: 'postgres',
    ping: async () => void (await db.execute(sql`select 1`)),
    close: () => client.end({ timeout: 5 }),
    // The raw client: COPY is its own protocol exchange, not a statement drizzle can carry.
    copyRows: (table, columns, chunks) => copyRows(client, table, columns, chunks),
  };
}

/**
 * postgres.js (3.4.9) settles a COPY's writable when the server refuses a row while chunks are
 * still being written, but not when the refusal comes after the last one (porsager/postgres#1173):
 * the end would wait forever, and be released by the next statement's completion on that
 * connection as if the COPY had succeeded. The refusal does reach the query's own reject, so it is
 * handed on to the writable from there.
 */
async function copyRows(client: postgres.Sql, table: string, columns: readonly string[], chunks: AsyncIterable<string>): Promise<void> {
  const query = client`copy ${client(table)} (${client([...columns])}) from stdin`;
  const sink = await query.writable();
  const reject: unknown = Reflect.get(query, 'reject');
  if (typeof reject !== 'function') throw new Error('postgres.js changed: a COPY query has no reject to watch for refusals');
  Reflect.set(query, 'reject', (err: unknown) => {
    sink.destroy(err instanceof Error ? err : new Error(String(err)));
    reject.call(query, err);
  });
  await pipeline(Readable.from(chunks, { objectMode: false }), sink);
}

/** Statement texts remembered for the second-sighting rule below; forgotten all at once when full. */
const SEEN_MAX = 2_000;

/**
 * drizzle asks postgres.js for an unnamed statement unless a query was `.prepare(name)`d, and
 * postgres.js describes every unnamed statement with parameters before running it: two round
 * trips per query. Here a statement text seen before runs as a named prepared statement (one
 * round trip once the connection knows it), inside transactions too. Texts seen once, such as
 * queries with inlined values, stay unnamed, so the statements a connection keeps stay few.
 */
function preparingRepeats(client: postgres.Sql): postgres.Sql {
  const seen = new Set<string>();
  const wrap = (sql: postgres.Sql): postgres.Sql =>
    new Proxy(sql, {
      get(target, prop, receiver) {
        if (prop === 'unsafe') {
          return (query: string, params?: unknown[], options: postgres.UnsafeQueryOptions = {}) => {
            let prepare = options.prepare;
            if (!prepare && seen.has(query)) prepare = true;
            else if (!prepare) {
              if (seen.size >= SEEN_MAX) seen.clear();
              seen.add(query);
            }
            return target.unsafe(query, params as postgres.ParameterOrJSON<never>[], { ...options, prepare });
          };
        }
        if (prop === 'begin' || prop === 'savepoint') {
          return (...args: unknown[]) => {
            const fn = args.pop() as (tx: postgres.Sql) => unknown;
            return (Reflect.get(target, prop) as (...a: unknown[]) => unknown)(...args, (tx: postgres.Sql) => fn(wrap(tx)));
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
  return wrap(client);
}
