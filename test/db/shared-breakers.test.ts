/**
 * Circuit breakers shared through the database (destination_breakers): two dispatchers with their
 * own breakers on one database stand for two Workers isolates (or two Node processes). Failures
 * seen by the first open the shared state; the second, having seen none, does not call the
 * destination until the opening's end has passed; a successful trial closes it for everyone.
 */
import { eq, sql } from 'drizzle-orm';
import { http, passthrough } from 'msw';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { destinationBreakers, outbox } from '../../src/db/schema.js';
import { collectOutboxRows } from '../../src/outbox/announce.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import { webhookDestination } from '../../src/services/provider-events.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { useWorld } from '../support/world.js';

const w = useWorld();
let rx: Awaited<ReturnType<typeof startReceiver>>;
/** Whether each receiver path answers 503 (down) or 204. */
const down = new Map<string, boolean>();
const dispatchers: Dispatcher[] = [];

/** A dispatcher as one isolate holds it: its own breakers (3 failures open them), no quick retries, far-off retries. */
function isolate(name: string, cooldownMs: number) {
  const d = new Dispatcher(w.deps, {
    workerId: name,
    quickRetries: 0,
    retry: { delaysMs: [600_000], jitter: 0 },
    breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, rollingWindowMs: 10_000, cooldownMs },
    // Every batch reads the shared state: the test moves the opening's end in the database.
    sharedBreakers: { readMs: 0 },
  });
  dispatchers.push(d);
  return d;
}

beforeAll(async () => {
  rx = await startReceiver();
  w.server.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
  w.deps.webhooks = { allowLoopbackHttp: true, timeoutMs: 5_000, feedSettleMs: 0 };
});
afterAll(async () => {
  for (const d of dispatchers) d.breakers.shutdown();
  await rx?.close();
});

async function endpoint(path: string): Promise<string> {
  down.set(path, true);
  rx.on(path, () => ({ status: down.get(path) ? 503 : 204 }));
  const res = await w.post('/v1/webhook-endpoints', { url: rx.url(path) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function ping(endpointId: string): Promise<number> {
  const { result, outboxIds } = await collectOutboxRows(() => w.post(`/v1/webhook-endpoints/${endpointId}/test`, {}));
  expect(result.status).toBeLessThan(300);
  expect(outboxIds).toHaveLength(1);
  return outboxIds[0];
}

const calls = (path: string) => rx.received.filter((r) => r.path === path).length;
const sharedRow = async (destination: string) => (await w.deps.database.db.select().from(destinationBreakers).where(eq(destinationBreakers.destination, destination)))[0];
const row = async (id: number) => (await w.deps.database.db.select().from(outbox).where(eq(outbox.id, id)))[0];

describe('circuit breakers shared across dispatchers (isolates)', () => {
  it("one dispatcher's failures hold back another that saw none, until the opening's end passes", async () => {
    const ep = await endpoint('/a');
    const destination = webhookDestination(ep);
    const first = isolate('isolate-1', 60_000);
    const second = isolate('isolate-2', 60_000);

    for (let i = 0; i < 3; i++) await ping(ep);
    expect(await first.runOnce()).toBe(3);
    expect(calls('/a')).toBe(3);
    expect(first.breakers.for(destination).opened).toBe(true);
    const opened = await sharedRow(destination);
    // Opened at the second failure of three calls in flight (over 50 % of 3): the count it opened with.
    expect(opened.failures).toBeGreaterThanOrEqual(2);
    expect(opened.openedUntil!.getTime()).toBeGreaterThan(Date.now() + 30_000);

    // The second has seen no failure: its own breaker is closed, and still it does not call.
    const polled = await ping(ep);
    expect(await second.runOnce()).toBe(1);
    expect(second.breakers.for(destination).closed).toBe(true);
    expect(calls('/a')).toBe(3);
    // Not an attempt: rescheduled, its count untouched.
    expect(await row(polled)).toMatchObject({ status: 'pending', attempts: 0, leaseUntil: null });
    expect(second.breakers.snapshot().find((b) => b.destination === destination)?.state).toBe('open');

    // The Queue consumer's path (deliverOne) holds back the same way: the message comes back later.
    const queued = await ping(ep);
    expect(await second.deliverOne(queued)).toMatchObject({ kind: 'later' });
    expect(calls('/a')).toBe(3);

    // The opening's end passes (moved in the database rather than waited for), the destination is up again.
    await w.deps.database.db.update(destinationBreakers).set({ openedUntil: sql`now() - interval '1 second'` }).where(eq(destinationBreakers.destination, destination));
    // The held-back row was put off a few seconds: that time passes too.
    await w.deps.database.db.update(outbox).set({ nextAttemptAt: sql`now()` }).where(eq(outbox.id, queued));
    down.set('/a', false);
    expect(await second.deliverOne(queued)).toEqual({ kind: 'settled' });
    expect(calls('/a')).toBe(4);
    expect(await row(queued)).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it("a successful trial after the cool-down closes the shared state, and the other dispatcher calls again", async () => {
    const ep = await endpoint('/b');
    const destination = webhookDestination(ep);
    const first = isolate('isolate-3', 150);
    const second = isolate('isolate-4', 60_000);

    for (let i = 0; i < 3; i++) await ping(ep);
    expect(await first.runOnce()).toBe(3);
    expect((await sharedRow(destination)).openedUntil).not.toBeNull();

    down.set('/b', false);
    // opossum lets one trial through once its cool-down has run out.
    await vi.waitFor(() => expect(first.breakers.for(destination).halfOpen).toBe(true), { timeout: 10_000, interval: 20 });
    const trial = await ping(ep);
    expect(await first.deliverOne(trial)).toEqual({ kind: 'settled' });
    expect(first.breakers.for(destination).closed).toBe(true);
    expect((await sharedRow(destination)).openedUntil).toBeNull();

    const next = await ping(ep);
    expect(await second.deliverOne(next)).toEqual({ kind: 'settled' });
    expect(calls('/b')).toBe(5);
  });

  it('an unreadable shared state (not migrated yet) holds nothing back: the row is delivered, the error logged', async () => {
    const ep = await endpoint('/d');
    down.set('/d', false);
    const d = isolate('isolate-5', 60_000);
    const warn = vi.spyOn(w.deps.logger, 'warn');
    await w.deps.database.db.execute(sql`alter table destination_breakers rename to destination_breakers_away`);
    try {
      const id = await ping(ep);
      expect(await d.deliverOne(id)).toEqual({ kind: 'settled' });
      expect(await row(id)).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(warn.mock.calls.some(([, msg]) => typeof msg === 'string' && msg.includes('breaker state not shared'))).toBe(true);
    } finally {
      warn.mockRestore();
      await w.deps.database.db.execute(sql`alter table destination_breakers_away rename to destination_breakers`);
    }
  });

  it('a dispatcher without sharing neither writes nor reads the table', async () => {
    const ep = await endpoint('/c');
    const destination = webhookDestination(ep);
    const alone = new Dispatcher(w.deps, {
      workerId: 'alone',
      quickRetries: 0,
      retry: { delaysMs: [600_000], jitter: 0 },
      breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, rollingWindowMs: 10_000, cooldownMs: 60_000 },
      sharedBreakers: false,
    });
    dispatchers.push(alone);
    for (let i = 0; i < 3; i++) await ping(ep);
    expect(await alone.runOnce()).toBe(3);
    expect(alone.breakers.for(destination).opened).toBe(true);
    expect(await sharedRow(destination)).toBeUndefined();
  });
});
