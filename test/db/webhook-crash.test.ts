import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, webhookEndpoints } from '../../src/db/schema.js';
import { SANDBOX_SECRETS_KEY, SecretBox } from '../../src/lib/secrets.js';
import { enqueue } from '../../src/outbox/enqueue.js';
import { seedCatalogue } from '../../src/sandbox/sandbox.js';
import { newEventId, webhookMessage } from '../../src/services/provider-events.js';
import { webhookSecretContext } from '../../src/services/webhook-endpoints.js';
import { EVENTS_API_VERSION } from '../../src/webhooks/events.js';
import { newWebhookSecret } from '../../src/webhooks/signing.js';
import { DB_TARGET, freshDatabase } from '../support/db.js';
import { kill, runTs, waitFor, type Child } from '../support/processes.js';
import { startReceiver } from '../support/webhook-receiver.js';

const EVENTS = 1000;
const KILLS = 5;

/**
 * `npm run worker` killed with SIGKILL at random points while it delivers 1,000 webhook events
 * to a provider's receiver (a loopback server in this process, which outlives every kill), then
 * restarted: every event arrives, verified with the standardwebhooks package, and an event sent
 * again after a kill carries the same webhook-id, so the receiver's deduplication sees it once.
 * Needs a database several processes can share: PostgreSQL.
 */
describe.skipIf(DB_TARGET !== 'postgres')('webhook dispatcher killed mid-delivery (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let dataDir: string;
  const secret = newWebhookSecret();
  const ids: string[] = [];
  const workers: Child[] = [];

  beforeAll(async () => {
    db = await freshDatabase('postgres');
    dataDir = mkdtempSync(join(tmpdir(), 'gw-hook-crash-'));
    rx = await startReceiver();
    // A few milliseconds per answer, so that kills land between a send and its record.
    rx.on('/crash', () => ({ status: 204, delayMs: Math.floor(Math.random() * 15) }));
    await seedCatalogue(db.db);
    const endpoint = { id: `ep_${'c'.repeat(32)}`, providerId: 'prv-komputer-jaya' };
    const sealed = await new SecretBox(SANDBOX_SECRETS_KEY).seal(secret, webhookSecretContext(endpoint.id));
    await db.db.insert(webhookEndpoints).values({ ...endpoint, url: rx.url('/crash'), secret: sealed });
    await db.db.transaction(async (tx) => {
      for (let i = 0; i < EVENTS; i += 250) {
        await enqueue(
          tx,
          Array.from({ length: Math.min(250, EVENTS - i) }, () => {
            const event = { id: newEventId(), type: 'ping' as const, occurredAt: new Date().toISOString(), apiVersion: EVENTS_API_VERSION, enrollmentId: null, sequence: null, data: { enrollment: null, message: 'crash test' } };
            ids.push(event.id);
            return webhookMessage(endpoint, event, JSON.stringify(event));
          }),
        );
      }
    });
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) await kill(w);
    await rx?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const delivered = async () => (await db.db.select({ n: count() }).from(outbox).where(eq(outbox.status, 'delivered')))[0].n;

  function startWorker(): Child {
    const w = runTs('src/node/worker-main.ts', {
      DATABASE_URL: db.url!,
      SANDBOX: 'true',
      // Webhooks only: the platform simulators are never called.
      SANDBOX_URL: 'http://127.0.0.1:9',
      DATA_DIR: join(dataDir, 'pglite'),
      DISPATCH_LEASE_MS: '1500',
      DISPATCH_BATCH: '20',
      LOG_LEVEL: 'warn',
    });
    workers.push(w);
    return w;
  }

  it(`every one of ${EVENTS} webhook events arrives, verified, each id once after deduplication`, async () => {
    let kills = 0;
    while (kills < KILLS && (await delivered()) < EVENTS) {
      const before = await delivered();
      const w = startWorker();
      await waitFor('the worker to deliver', async () => ((await delivered()) > before || w.proc.exitCode !== null ? true : undefined), 60_000, 20);
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 300));
      await kill(w, 'SIGKILL');
      kills++;
    }
    const last = startWorker();
    await waitFor('all deliveries', async () => ((await delivered()) === EVENTS ? true : undefined), 120_000, 200);
    await kill(last, 'SIGTERM');

    const wh = new Webhook(secret);
    const received = rx.received.filter((r) => r.path === '/crash');
    const verified = received.map((r) => (wh.verify(r.body, r.headers) as { id: string }).id);
    // The header id is the event's id, on the first attempt and on every redelivery.
    expect(received.every((r, i) => r.headers['webhook-id'] === verified[i])).toBe(true);
    const unique = new Set(verified);
    expect(unique.size).toBe(EVENTS);
    expect([...unique].sort()).toEqual([...ids].sort());
    expect(kills).toBe(KILLS);
    const redelivered = verified.length - unique.size;
    console.log(`webhook crash test: ${kills} SIGKILLs, ${verified.length} requests for ${EVENTS} events (${redelivered} redelivered after a kill)`);
    expect(redelivered, 'no kill landed between a send and its record: the crash path went untested').toBeGreaterThan(0);
    const dead = (await db.db.select({ n: count() }).from(outbox).where(eq(outbox.status, 'dead')))[0].n;
    expect(dead).toBe(0);
  }, 300_000);
});
