import { inSpan } from '../lib/tracing.js';
import type { Db } from './database.js';

/**
 * Every top-level transaction of `db` in a span of its own (`db.transaction`), so a trace shows
 * where a request's time went between partner calls. Nested transactions (savepoints) run inside
 * their parent's span.
 */
export function tracedTransactions(db: Db, system: 'postgresql' | 'pglite'): Db {
  const transaction = db.transaction.bind(db);
  const attributes = { 'db.system.name': system === 'pglite' ? 'other_sql' : 'postgresql', 'db.operation.name': 'transaction' };
  db.transaction = ((fn, config) => inSpan('db.transaction', attributes, () => transaction(fn, config))) as Db['transaction'];
  return db;
}
