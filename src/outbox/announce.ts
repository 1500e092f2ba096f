import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The outbox rows written during one unit of work (a request, a queue batch, a cron run), for a
 * runtime that pushes their ids to a queue once that work's transactions have committed
 * (Workers, Cloudflare Queues). Node's dispatchers poll the table, so nothing collects there and
 * announcing is a no-op. An id whose transaction rolled back is harmless: its message finds no
 * pending row and is acknowledged.
 */
const written = new AsyncLocalStorage<Set<number>>();

export function announceOutboxRows(ids: Iterable<number>): void {
  const sink = written.getStore();
  if (sink) for (const id of ids) sink.add(id);
}

/** Runs `work`, returning its result and the ids of the outbox rows it wrote (or made due again). */
export async function collectOutboxRows<T>(work: () => Promise<T>): Promise<{ result: T; outboxIds: number[] }> {
  const sink = new Set<number>();
  const result = await written.run(sink, work);
  return { result, outboxIds: [...sink] };
}
