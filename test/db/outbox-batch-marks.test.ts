/**
 * The polling dispatcher marks a batch's plain deliveries (no `record` step, e.g. redemption
 * reports to prakerja.go.id) in one statement once the batch is sent, and claims the next batch
 * while it sends one. These tests read the marks back and prove the lease rule survives: a row
 * whose lease another dispatcher took meanwhile is left to that one, and a batch claimed ahead is
 * given back when the dispatcher stops. prakerja.go.id is the sandbox behind msw; a gate (not a
 * delay) holds one chosen report at the network, so nothing here depends on timing.
 */
import { inArray } from 'drizzle-orm';
import { http } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import { enqueue } from '../../src/outbox/enqueue.js';
import { PRAKERJA_PATHS } from '../../adapters/prakerja/http.js';
import { passWithLeaseTakenOver } from '../support/lease-takeover.js';
import { useWorld } from '../support/world.js';

const w = useWorld();
let n = 0;
/** The voucher code whose report is held at the network until `release`. */
let heldCode = '';
let heldArrived: () => void = () => undefined;
let release: () => void = () => undefined;
let heldRequests = 0;

beforeAll(() => {
  w.server.use(
    http.post(new RegExp(`${PRAKERJA_PATHS.reportRedemption}$`), async ({ request }) => {
      if (!heldCode || !(await request.clone().text()).includes(heldCode)) return undefined;
      heldRequests++;
      const gate = new Promise<void>((r) => (release = r));
      heldArrived();
      await gate;
      // Falls through to the sandbox, which answers it.
      return undefined;
    }),
  );
});

/** One redemption report to prakerja.go.id per code, enqueued in this order; returns their ids. */
async function reports(count: number): Promise<Array<{ id: number; code: string }>> {
  const made: Array<{ id: number; code: string }> = [];
  for (let i = 0; i < count; i++) {
    const code = `TKPB${String(++n).padStart(8, '0')}`;
    const key = `batch-marks:${code}`;
    const [row] = await w.deps.database.db.transaction((tx) =>
      enqueue(tx, [
        {
          destination: 'prakerja',
          kind: 'prakerja.redemption',
          providerId: 'prv-komputer-jaya',
          payload: { enrollmentId: crypto.randomUUID(), voucherCode: code, cardNumber: '5201123456780001', platform: 'tokopedia', courseId: 'CRS-EXCEL-01', redeemedAt: new Date().toISOString(), idempotencyKey: key },
          idempotencyKey: key,
        },
      ]),
    );
    made.push({ id: row.id, code });
  }
  return made;
}

const byId = async (ids: number[]) => new Map((await w.deps.database.db.select().from(outbox).where(inArray(outbox.id, ids))).map((r) => [r.id, r]));

describe('a batch of plain deliveries marked in one statement', () => {
  it('marks every delivered row of the batch: delivered, one attempt, the receipt, no lease', async () => {
    const rows = await reports(4);
    const d = new Dispatcher(w.deps, { workerId: 'batch-a', batchSize: 10, quickRetries: 0 });
    try {
      expect(await d.runOnce()).toBe(4);
    } finally {
      d.breakers.shutdown();
    }
    const after = await byId(rows.map((r) => r.id));
    for (const { id } of rows) {
      const r = after.get(id)!;
      expect(r).toMatchObject({ status: 'delivered', attempts: 1, leaseUntil: null, lastError: null, leasedBy: 'batch-a' });
      expect(r.receipt).toMatch(/\S/);
      expect(r.deliveredAt).toBeInstanceOf(Date);
    }
  });

  it('does not mark a row whose lease another dispatcher took while the batch was being sent', async () => {
    const [held, ...ok] = await reports(3);
    heldCode = held.code;
    const arrived = new Promise<void>((r) => (heldArrived = r));
    try {
      // The held report is at prakerja.go.id, its row claimed; another dispatcher takes it over.
      expect(await passWithLeaseTakenOver(w.deps, { workerId: 'batch-b', rowId: held.id, arrived, release: () => release() })).toBe(3);
    } finally {
      heldCode = '';
    }
    expect(heldRequests).toBe(1);
    const after = await byId([held.id, ...ok.map((r) => r.id)]);
    for (const { id } of ok) expect(after.get(id)).toMatchObject({ status: 'delivered', attempts: 1, leasedBy: 'batch-b' });
    // Left to the dispatcher that holds it now: its run records the result.
    expect(after.get(held.id)).toMatchObject({ status: 'pending', attempts: 0, leasedBy: 'someone-else', deliveredAt: null });
  });

  it('gives back the batch it claimed ahead when stopped', async () => {
    const [held, ...ok] = await reports(7);
    heldCode = held.code;
    heldRequests = 0;
    const arrived = new Promise<void>((r) => (heldArrived = r));
    // Batches of 3: the first holds the held row, so the second is claimed ahead while it is sent.
    const d = new Dispatcher(w.deps, { workerId: 'batch-c', batchSize: 3, quickRetries: 0, idleMs: 10 });
    d.start();
    await arrived;
    const stopping = d.stop();
    release();
    await stopping;
    heldCode = '';
    expect(heldRequests).toBe(1);
    const after = await byId([held.id, ...ok.map((r) => r.id)]);
    for (const { id } of [held, ok[0], ok[1]]) expect(after.get(id)).toMatchObject({ status: 'delivered', leasedBy: 'batch-c' });
    // Claimed ahead by the stopped dispatcher, never sent, given back: due for anyone at once.
    for (const { id } of ok.slice(2, 5)) expect(after.get(id)).toMatchObject({ status: 'pending', attempts: 0, leasedBy: 'batch-c', leaseUntil: null });
    expect(after.get(ok[5].id)).toMatchObject({ status: 'pending', leasedBy: null });
  });
});
