import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.js';
import { enqueue } from '../../src/outbox/enqueue.js';
import { seedCatalogue } from '../../src/sandbox/sandbox.js';
import { DB_TARGET, freshDatabase } from '../support/db.js';
import { freePort, kill, runTs, waitFor, type Child } from '../support/processes.js';

const EVENTS = 1000;
const KILLS = 5;

/**
 * The dispatcher is a separate process (`npm run worker`) killed with SIGKILL at random points
 * while it delivers 1,000 outbox rows to the sandbox prakerja.go.id, which runs in a process of
 * its own and outlives every kill. Needs a database several processes can share: PostgreSQL.
 */
describe.skipIf(DB_TARGET !== 'postgres')('dispatcher killed mid-delivery (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let sandbox: Child;
  let sandboxUrl: string;
  let dataDir: string;
  const workers: Child[] = [];

  beforeAll(async () => {
    db = await freshDatabase('postgres');
    dataDir = mkdtempSync(join(tmpdir(), 'gw-crash-'));
    const port = await freePort();
    sandboxUrl = `http://127.0.0.1:${port}`;
    sandbox = runTs('src/node/sandbox-main.ts', { PORT: String(port), HOST: '127.0.0.1', SEED_DEMO: 'false', DATA_DIR: join(dataDir, 'pglite'), LOG_LEVEL: 'warn' });
    await waitFor('sandbox', async () => ((await fetch(`${sandboxUrl}/sandbox/_stats`)).ok ? true : undefined), 30_000);
    await seedCatalogue(db.db);
    await db.db.transaction(async (tx) => {
      for (let i = 0; i < EVENTS; i += 250) {
        await enqueue(
          tx,
          Array.from({ length: Math.min(250, EVENTS - i) }, (_, j) => {
            const n = i + j;
            const enrollmentId = crypto.randomUUID();
            const key = `crash-test:${n}`;
            return {
              destination: 'prakerja',
              kind: 'prakerja.redemption',
              providerId: 'prv-komputer-jaya',
              payload: { enrollmentId, voucherCode: `TKP${String(n).padStart(9, '0')}`, cardNumber: '5201123456780001', platform: 'tokopedia', courseId: 'CRS-EXCEL-01', redeemedAt: new Date().toISOString(), idempotencyKey: key },
              idempotencyKey: key,
            };
          }),
        );
      }
    });
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) await kill(w);
    if (sandbox) await kill(sandbox);
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const delivered = async () => (await db.db.select({ n: count() }).from(outbox).where(eq(outbox.status, 'delivered')))[0].n;

  function startWorker(): Child {
    const w = runTs('src/node/worker-main.ts', {
      DATABASE_URL: db.url!,
      SANDBOX: 'true',
      SANDBOX_URL: sandboxUrl,
      DATA_DIR: join(dataDir, 'pglite'),
      DISPATCH_LEASE_MS: '1500',
      DISPATCH_BATCH: '20',
      LOG_LEVEL: 'warn',
    });
    workers.push(w);
    return w;
  }

  it(`every one of ${EVENTS} events is delivered and none is applied twice at the receiver`, async () => {
    let kills = 0;
    while (kills < KILLS && (await delivered()) < EVENTS) {
      const before = await delivered();
      const w = startWorker();
      // Kill only once it is mid-run: after it has delivered something, at a random moment.
      await waitFor('the worker to deliver', async () => ((await delivered()) > before || w.proc.exitCode !== null ? true : undefined), 60_000, 20);
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 300));
      await kill(w, 'SIGKILL');
      kills++;
    }
    const last = startWorker();
    await waitFor('all deliveries', async () => ((await delivered()) === EVENTS ? true : undefined), 120_000, 200);
    await kill(last, 'SIGTERM');

    const stats = (await (await fetch(`${sandboxUrl}/sandbox/_stats`)).json()) as { byKey: Record<string, { received: number; applied: number }> };
    const ours = Object.entries(stats.byKey).filter(([k]) => k.startsWith('prakerja:crash-test:'));
    expect(ours).toHaveLength(EVENTS);
    const appliedTwice = ours.filter(([, s]) => s.applied !== 1);
    expect(appliedTwice, 'keys applied other than exactly once').toEqual([]);
    const redelivered = ours.filter(([, s]) => s.received > 1).length;
    // The kills must actually have hit mid-delivery, or this test proves nothing.
    expect(kills).toBe(KILLS);
    expect(redelivered, "no kill landed between a send and its record: the crash path went untested").toBeGreaterThan(0);
    console.log(`crash test: ${kills} SIGKILLs, ${redelivered} events redelivered after a kill, each applied once`);
    const dead = (await db.db.select({ n: count() }).from(outbox).where(eq(outbox.status, 'dead')))[0].n;
    expect(dead).toBe(0);
  }, 300_000);
});
