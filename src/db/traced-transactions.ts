import { inSpan } from '../lib/tracing.js';
import type { Db } from './database.js';

const systems = new WeakMap<Db, string>();

/**
 * Every top-level transaction of `db` in a span of its own (`db.transaction`), so a trace shows
 * where a request's time went between partner calls. Nested transactions (savepoints) run inside
 * their parent's span.
 */
export function tracedTransactions(db: Db, system: 'postgresql' | 'pglite'): Db {
  const transaction = db.transaction.bind(db);
  const name = system === 'pglite' ? 'other_sql' : 'postgresql';
  systems.set(db, name);
  const attributes = { 'db.system.name': name, 'db.operation.name': 'transaction' };
  db.transaction = ((fn, config) => inSpan('db.transaction', attributes, () => transaction(fn, config))) as Db['transaction'];
  return db;
}

/** A write that is atomic without a transaction (one statement), traced as one like a transaction is. */
export function tracedWrite<T>(db: Db, operation: string, write: () => Promise<T>): Promise<T> {
  return inSpan('db.write', { 'db.system.name': systems.get(db) ?? 'postgresql', 'db.operation.name': operation }, write);
}
