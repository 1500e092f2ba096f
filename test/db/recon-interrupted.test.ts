/**
 * Reconciliation runs whose process stopped: marked failed with error `interrupted`, and only
 * those — a run another process may still be executing, or one already finished, is left alone.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconRuns } from '../../src/db/schema.js';
import { INTERRUPTED, markRunsInterrupted } from '../../src/services/recon/runs.js';
import { freshDatabase } from '../support/db.js';

let db: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => db?.drop());

const HOUR = 3_600_000;

async function run(status: 'running' | 'succeeded' | 'failed', startedAgoMs: number) {
  const at = new Date(Date.now() - startedAgoMs);
  const [row] = await db.db
    .insert(reconRuns)
    .values({ windowFrom: new Date(at.getTime() - 86_400_000), windowTo: at, requestedBy: 'test', asOf: at, startedAt: at, status })
    .returning({ id: reconRuns.id });
  return row.id;
}

const state = async (id: number) => (await db.db.select({ status: reconRuns.status, error: reconRuns.error, finishedAt: reconRuns.finishedAt }).from(reconRuns).where(eq(reconRuns.id, id)))[0];

describe('markRunsInterrupted', () => {
  it('at start-up: running runs older than the cut-off, not newer ones nor finished ones', async () => {
    const abandoned = await run('running', 2 * HOUR);
    const recent = await run('running', 60_000);
    const done = await run('succeeded', 3 * HOUR);
    const marked = await markRunsInterrupted(db.db, { startedBefore: new Date(Date.now() - HOUR) });
    expect(marked).toEqual([abandoned]);
    expect(await state(abandoned)).toMatchObject({ status: 'failed', error: INTERRUPTED, finishedAt: expect.any(Date) });
    expect(await state(recent)).toMatchObject({ status: 'running', error: null });
    expect(await state(done)).toMatchObject({ status: 'succeeded', error: null });
  });

  it('at shutdown: exactly the runs named, if still running', async () => {
    const mine = await run('running', 1_000);
    const other = await run('running', 1_000);
    const finished = await run('failed', 1_000);
    expect(await markRunsInterrupted(db.db, { ids: [mine, finished] })).toEqual([mine]);
    expect(await state(other)).toMatchObject({ status: 'running' });
    expect(await state(finished)).toMatchObject({ status: 'failed', error: null });
    expect(await markRunsInterrupted(db.db, { ids: [] })).toEqual([]);
  });
});
