import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import { outbox } from '../db/schema.js';
import type { Dispatcher } from '../outbox/dispatcher.js';

/**
 * Lets a dispatcher finish the deliveries it has started until `deadline` (epoch ms). Past it,
 * the rows it leased are given back at once rather than when the lease runs out, so another
 * dispatcher (or the next start) retries them under the same idempotency key.
 */
export async function stopDispatcher(dispatcher: Dispatcher, opts: { db: Db; workerId: string; deadline: number; log: Logger }): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), Math.max(0, opts.deadline - Date.now()))));
  const outcome = await Promise.race([dispatcher.stop().then(() => 'stopped' as const), late]);
  clearTimeout(timer);
  if (outcome === 'stopped') {
    opts.log.info('shutdown: outbox dispatcher finished its deliveries');
    return;
  }
  const released = await opts.db
    .update(outbox)
    .set({ leaseUntil: null })
    .where(and(eq(outbox.leasedBy, opts.workerId), eq(outbox.status, 'pending')))
    .returning({ id: outbox.id });
  opts.log.warn({ released: released.length }, 'shutdown: outbox dispatcher still delivering at the deadline; its leased rows released');
}
