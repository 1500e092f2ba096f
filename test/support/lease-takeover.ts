import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { AppDeps } from '../../src/app/context.js';
import { outbox } from '../../src/db/schema.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';

/**
 * One dispatcher pass during which another dispatcher takes over `rowId`'s lease: once that row's
 * send is held at the receiver (`arrived`), its lease goes to `someone-else`, then `release` lets
 * the send answer. Answers what the pass reports having handled.
 */
export async function passWithLeaseTakenOver(deps: AppDeps, opts: { workerId: string; rowId: number; arrived: Promise<void>; release: () => void }): Promise<number> {
  const d = new Dispatcher(deps, { workerId: opts.workerId, batchSize: 10, quickRetries: 0 });
  try {
    const running = d.runOnce();
    await opts.arrived;
    const [stolen] = await deps.database.db.update(outbox).set({ leasedBy: 'someone-else' }).where(eq(outbox.id, opts.rowId)).returning();
    expect(stolen.status).toBe('pending');
    opts.release();
    return await running;
  } finally {
    d.breakers.shutdown();
  }
}
