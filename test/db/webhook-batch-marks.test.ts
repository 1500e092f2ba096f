/**
 * Webhook deliveries of one claimed batch are marked together, and their endpoint's health (the
 * failure run ended, the last success stamped) is written once per endpoint in the same
 * transaction, not once per row. These tests read both back and prove the rule the per-row
 * transaction kept: an endpoint is recorded only for rows this dispatcher still held when marking.
 * The provider's receivers are behind msw; a gate (not a delay) holds one chosen event there.
 */
import { eq, inArray } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';
import { outbox, webhookEndpoints } from '../../src/db/schema.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import { enqueue } from '../../src/outbox/enqueue.js';
import { newEventId, webhookMessage } from '../../src/services/provider-events.js';
import { EVENTS_API_VERSION } from '../../src/webhooks/events.js';
import { DEMO_PROVIDERS } from '../../src/sandbox/demo-data.js';
import { passWithLeaseTakenOver } from '../support/lease-takeover.js';
import { useWorld } from '../support/world.js';

const w = useWorld();
const PROVIDER = DEMO_PROVIDERS[0].id;
const RECEIVER = 'https://lpk-batch.example';
/** The event whose delivery is held at the receiver until `release`. */
let heldEvent = '';
let heldArrived: () => void = () => undefined;
let release: () => void = () => undefined;

beforeAll(() => {
  w.server.use(
    http.post(new RegExp(`^${RECEIVER}/`), async ({ request }) => {
      if (heldEvent && request.headers.get('webhook-id') === heldEvent) {
        const gate = new Promise<void>((r) => (release = r));
        heldArrived();
        await gate;
      }
      return HttpResponse.text('ok', { status: 200 });
    }),
  );
});

/** An endpoint in the middle of a failure run, never successful so far. */
async function failingEndpoint(path: string): Promise<{ id: string; providerId: string; failingSince: Date }> {
  const res = await w.post('/v1/webhook-endpoints', { url: `${RECEIVER}/${path}` });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  const failingSince = new Date(Date.now() - 3_600_000);
  await w.deps.database.db.update(webhookEndpoints).set({ failingSince }).where(eq(webhookEndpoints.id, id));
  return { id, providerId: PROVIDER, failingSince };
}

/** `count` ping events for the endpoint, enqueued in this order; returns their rows' ids and event ids. */
async function pings(ep: { id: string; providerId: string }, count: number): Promise<Array<{ id: number; eventId: string }>> {
  const events = Array.from({ length: count }, () => ({ id: newEventId(), type: 'ping' as const, occurredAt: new Date().toISOString(), apiVersion: EVENTS_API_VERSION, enrollmentId: null, sequence: null, data: { enrollment: null, message: 'batch' } }));
  const rows = await w.deps.database.db.transaction((tx) => enqueue(tx, events.map((e) => webhookMessage(ep, e, JSON.stringify(e)))));
  return rows.map((r, i) => ({ id: r.id, eventId: events[i].id }));
}

const endpoint = async (id: string) => (await w.deps.database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)))[0];
const byId = async (ids: number[]) => new Map((await w.deps.database.db.select().from(outbox).where(inArray(outbox.id, ids))).map((r) => [r.id, r]));

describe('a batch of webhook deliveries marked together', () => {
  it('marks every delivered row, and ends its endpoint’s failure run with the last success stamped', async () => {
    const ep = await failingEndpoint('all');
    const rows = await pings(ep, 4);
    const d = new Dispatcher(w.deps, { workerId: 'hooks-a', batchSize: 10, quickRetries: 0 });
    const before = new Date();
    try {
      expect(await d.runOnce()).toBe(4);
    } finally {
      d.breakers.shutdown();
    }
    const after = await byId(rows.map((r) => r.id));
    for (const { id } of rows) expect(after.get(id)).toMatchObject({ status: 'delivered', attempts: 1, leaseUntil: null, lastError: null, leasedBy: 'hooks-a', receipt: 'HTTP 200 ok' });
    const e = await endpoint(ep.id);
    expect(e.failingSince).toBeNull();
    expect(e.lastSuccessAt!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1_000);
  });

  it('records nothing for an endpoint whose only row another dispatcher took while the batch was being sent; the other endpoint’s rows are recorded', async () => {
    const lost = await failingEndpoint('lost');
    const kept = await failingEndpoint('kept');
    const [held] = await pings(lost, 1);
    const others = await pings(kept, 2);
    heldEvent = held.eventId;
    const arrived = new Promise<void>((r) => (heldArrived = r));
    try {
      // The held event is at the receiver, its row claimed; another dispatcher takes it over.
      expect(await passWithLeaseTakenOver(w.deps, { workerId: 'hooks-b', rowId: held.id, arrived, release: () => release() })).toBe(3);
    } finally {
      heldEvent = '';
    }
    const after = await byId([held.id, ...others.map((r) => r.id)]);
    // Left to the dispatcher that holds it now: its run records the result, and the endpoint's health with it.
    expect(after.get(held.id)).toMatchObject({ status: 'pending', attempts: 0, leasedBy: 'someone-else', deliveredAt: null });
    expect(await endpoint(lost.id)).toMatchObject({ failingSince: lost.failingSince, lastSuccessAt: null });
    for (const { id } of others) expect(after.get(id)).toMatchObject({ status: 'delivered', attempts: 1, leasedBy: 'hooks-b' });
    expect(await endpoint(kept.id)).toMatchObject({ failingSince: null });
    expect((await endpoint(kept.id)).lastSuccessAt).toBeInstanceOf(Date);
  });
});
