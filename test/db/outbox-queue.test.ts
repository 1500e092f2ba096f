/**
 * The outbox on Cloudflare Queues, decided in Node against both databases: which rows an
 * invocation announces, what the consumer does with each message (ack, retry after the
 * schedule's delay, send again later), the dead-letter queue's messages becoming dead letters,
 * and what the cron sweeps. test/worker.test.ts runs the same code under workerd with real local
 * Queues; here the Queue is a recording stand-in so every decision can be read back.
 */
import { eq } from 'drizzle-orm';
import { http, passthrough } from 'msw';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.js';
import { collectOutboxRows } from '../../src/outbox/announce.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import type { MessageBatch, OutboxMessageBody, OutboxQueue, QueueSendOptions } from '../../src/workers/bindings.js';
import { consumeDeadLetters, consumeOutboxBatch, LOST_SEND_AFTER_MS, sweepLostSends } from '../../src/workers/outbox-queue.js';
import { opsClient } from '../support/ops.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { useWorld } from '../support/world.js';

const w = useWorld();
let rx: Awaited<ReturnType<typeof startReceiver>>;
const endpoints: Record<'ok' | 'failing', string> = { ok: '', failing: '' };
const logger = pino({ level: 'silent' });

/** A dispatcher with a schedule whose delays are easy to recognise in the retry it asks for. */
let dispatcher: Dispatcher;

beforeAll(async () => {
  rx = await startReceiver();
  rx.on('/failing', () => ({ status: 503 }));
  w.server.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
  w.deps.webhooks = { allowLoopbackHttp: true, timeoutMs: 5_000, feedSettleMs: 0 };
  dispatcher = new Dispatcher(w.deps, { workerId: 'queue-test', quickRetries: 0, retry: { delaysMs: [90_000, 600_000], jitter: 0 } });
  for (const name of ['ok', 'failing'] as const) {
    const res = await w.post('/v1/webhook-endpoints', { url: rx.url(`/${name}`) });
    expect(res.status).toBe(201);
    endpoints[name] = ((await res.json()) as { id: string }).id;
  }
});
afterAll(async () => {
  dispatcher.breakers.shutdown();
  await rx?.close();
});

/** A `ping` to the endpoint: one outbox row, its id as the request announced it. */
async function pingRow(endpoint: 'ok' | 'failing'): Promise<number> {
  const { result, outboxIds } = await collectOutboxRows(() => w.post(`/v1/webhook-endpoints/${endpoints[endpoint]}/test`, {}));
  expect(result.status).toBeLessThan(300);
  expect(outboxIds).toHaveLength(1);
  return outboxIds[0];
}

function recordingQueue() {
  const sent: Array<{ body: OutboxMessageBody; delaySeconds?: number }> = [];
  const queue: OutboxQueue = {
    async send(body, options) {
      sent.push({ body, delaySeconds: options?.delaySeconds });
    },
    async sendBatch(messages) {
      for (const m of messages) sent.push({ body: m.body, delaySeconds: m.delaySeconds });
    },
  };
  return { queue, sent };
}

function message(body: unknown, attempts = 1) {
  const m = {
    id: `m-${Math.random().toString(36).slice(2)}`,
    body,
    attempts,
    acked: false,
    retried: undefined as QueueSendOptions | undefined,
    ack() {
      m.acked = true;
    },
    retry(options?: QueueSendOptions) {
      m.retried = options ?? {};
    },
  };
  return m;
}

const batch = (queue: string, ...messages: ReturnType<typeof message>[]): MessageBatch => ({ queue, messages });
const rowOf = async (id: number) => (await w.deps.database.db.select().from(outbox).where(eq(outbox.id, id)))[0];

describe('the outbox on Cloudflare Queues', () => {
  it('an invocation announces exactly the outbox rows it wrote', async () => {
    const before = await w.deps.database.db.select({ id: outbox.id }).from(outbox);
    const id = await pingRow('ok');
    const after = await w.deps.database.db.select({ id: outbox.id }).from(outbox);
    expect(after.map((r) => r.id).filter((x) => !before.some((b) => b.id === x))).toEqual([id]);
    // Outside a collecting invocation (Node), writing rows announces nothing and fails nothing.
    const res = await w.post(`/v1/webhook-endpoints/${endpoints.ok}/test`, {});
    expect(res.status).toBeLessThan(300);
  });

  it('delivers a due row once and acknowledges; a duplicate message is acknowledged without sending again', async () => {
    const id = await pingRow('ok');
    const { queue, sent } = recordingQueue();
    const first = message({ outboxId: id });
    await consumeOutboxBatch(batch('outbox', first), { dispatcher, queue, logger });
    expect(first.acked).toBe(true);
    expect((await rowOf(id)).status).toBe('delivered');
    const delivered = rx.received.filter((r) => r.path === '/ok').length;

    const duplicate = message({ outboxId: id });
    await consumeOutboxBatch(batch('outbox', duplicate), { dispatcher, queue, logger });
    expect(duplicate.acked).toBe(true);
    expect(rx.received.filter((r) => r.path === '/ok').length).toBe(delivered);
    expect(sent).toEqual([]);
  });

  it('a failed attempt is recorded and retried by the Queue after the schedule’s delay', async () => {
    const id = await pingRow('failing');
    const m = message({ outboxId: id });
    await consumeOutboxBatch(batch('outbox', m), { dispatcher, queue: recordingQueue().queue, logger });
    expect(m.acked).toBe(false);
    // 90 s after the first failure (jitter 0), give or take the second the delay is rounded up to.
    expect(m.retried?.delaySeconds).toBeGreaterThanOrEqual(89);
    expect(m.retried?.delaySeconds).toBeLessThanOrEqual(91);
    const row = await rowOf(id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.lastError).toMatch(/503/);
  });

  it('a row not yet due is sent again for when it is, without using up the Queue’s retries', async () => {
    const id = await pingRow('ok');
    await w.deps.database.db.update(outbox).set({ nextAttemptAt: new Date(Date.now() + 3_600_000) }).where(eq(outbox.id, id));
    const { queue, sent } = recordingQueue();
    const m = message({ outboxId: id });
    await consumeOutboxBatch(batch('outbox', m), { dispatcher, queue, logger });
    expect(m.acked).toBe(true);
    expect(m.retried).toBeUndefined();
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toEqual({ outboxId: id });
    expect(sent[0].delaySeconds).toBeGreaterThan(3_500);
    expect(sent[0].delaySeconds).toBeLessThanOrEqual(3_600);
    expect((await rowOf(id)).attempts).toBe(0);
  });

  it('a message that is not an outbox id is dropped (acknowledged), touching nothing', async () => {
    const m = message({ outboxId: 'drop table outbox' });
    await consumeOutboxBatch(batch('outbox', m), { dispatcher, queue: recordingQueue().queue, logger });
    expect(m.acked).toBe(true);
  });

  it('a message from the dead-letter queue makes its row a dead letter, listed and replayable', async () => {
    const id = await pingRow('ok');
    await w.deps.database.db.update(outbox).set({ nextAttemptAt: new Date(Date.now() + 3_600_000) }).where(eq(outbox.id, id));
    const m = message({ outboxId: id }, 11);
    await consumeDeadLetters(batch('outbox-dlq', m), { dispatcher, logger });
    expect(m.acked).toBe(true);
    const row = await rowOf(id);
    expect(row.status).toBe('dead');
    expect(row.lastError).toMatch(/Cloudflare Queues dead-lettered its message after 11 attempt/);
    const listed = await opsClient(w).get('/v1/ops/dead-letters');
    expect(listed.status).toBe(200);
    expect(JSON.stringify(await listed.json())).toContain(`"id":${id}`);
  });

  it('the cron sends rows due longer ago than a queue takes, and leaves rows just due or leased', async () => {
    const db = w.deps.database.db;
    await db.update(outbox).set({ status: 'delivered' }).where(eq(outbox.status, 'pending'));
    // The second row is due now: its message is presumably on its way.
    const [lost, , leased] = [await pingRow('ok'), await pingRow('ok'), await pingRow('ok')];
    const longAgo = new Date(Date.now() - LOST_SEND_AFTER_MS - 60_000);
    await db.update(outbox).set({ nextAttemptAt: longAgo }).where(eq(outbox.id, lost));
    await db.update(outbox).set({ nextAttemptAt: longAgo, leaseUntil: new Date(Date.now() + 60_000), leasedBy: 'elsewhere' }).where(eq(outbox.id, leased));
    const { queue, sent } = recordingQueue();
    expect(await sweepLostSends(db, queue, 100)).toBe(1);
    expect(sent.map((s) => s.body.outboxId)).toEqual([lost]);
  });
});
