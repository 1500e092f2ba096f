/**
 * Outbox: deliveries per second to a sandbox destination (prakerja.go.id's redemption report,
 * at the simulators in their own process), and of provider webhooks (signed per Standard
 * Webhooks, to a loopback receiver in this process answering 204), with 1 and then 4 dispatchers, each a separate
 * `npm run worker` process (`node --import tsx src/node/worker-main.ts`) on one Postgres, sharing
 * the rows through SKIP LOCKED leases. The rate is taken from the rows' own delivered_at stamps
 * (first to last delivery), so the workers' idle polling before the first claim does not count.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { SANDBOX_SECRETS_KEY, SecretBox } from '../src/lib/secrets.js';
import { webhookSecretContext } from '../src/services/webhook-endpoints.js';
import { EVENTS_API_VERSION } from '../src/webhooks/events.js';
import { newWebhookSecret } from '../src/webhooks/signing.js';
import { round } from './lib/load.js';
import { createScratchDatabase, postgresAvailable } from './lib/pg.js';
import { sleep, startNode, type Child } from './lib/proc.js';
import { COURSE, PRIMARY, PROVIDER, scratchDir, startSandbox } from './lib/world.js';
import type { BenchOptions, BenchRow } from './types.js';

const GROUP = 'outbox';

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  if (!(await postgresAvailable())) {
    process.stderr.write('outbox: no Postgres at TEST_DATABASE_URL / 127.0.0.1:5432; skipped\n');
    return [];
  }
  const perRound = opts.smoke ? 200 : 5_000;
  const scratch = scratchDir('outbox');
  const db = await createScratchDatabase('outbox');
  const children: Child[] = [];
  const sql = postgres(db.url, { max: 2, onnotice: () => {} });
  // The provider's receiver: drains the body and acknowledges, as a well-behaved backend does.
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const endpointId = `ep_${'b'.repeat(32)}`;
  try {
    const sandbox = await startSandbox(scratch.dataDir);
    children.push(sandbox.child);

    const startWorker = async (n: number) => {
      const child = await startNode({
        name: `worker-${n}`,
        script: 'src/node/worker-main.ts',
        env: { DATABASE_URL: db.url, DATA_DIR: scratch.dataDir, SANDBOX: 'true', SANDBOX_URL: sandbox.url, LOG_LEVEL: 'info' },
        ready: (output) => output.includes('outbox dispatcher running'),
      });
      children.push(child);
    };

    // The first worker migrates the scratch database; the others start on a migrated one.
    await startWorker(1);
    await sql`insert into providers (id, name, prakerja_client_code) values (${PROVIDER.id}, ${PROVIDER.name}, ${PROVIDER.prakerjaClientCode}) on conflict do nothing`;
    // Workers in the sandbox open secrets with the sandbox's SECRETS_KEY.
    const sealed = await new SecretBox(SANDBOX_SECRETS_KEY).seal(newWebhookSecret(), webhookSecretContext(endpointId));
    await sql`insert into webhook_endpoints (id, provider_id, url, secret) values (${endpointId}, ${PROVIDER.id}, ${`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`}, ${sealed})`;
    const one = await deliverRound(sql, 'r1', perRound, insertRedemptionReports);
    const hooksOne = await deliverRound(sql, 'w1', perRound, insertWebhooks(endpointId));
    for (let n = 2; n <= 4; n++) await startWorker(n);
    const four = await deliverRound(sql, 'r4', perRound, insertRedemptionReports);
    const hooksFour = await deliverRound(sql, 'w4', perRound, insertWebhooks(endpointId));

    const row = (dispatchers: number, r: Round, base?: Round, what = 'deliveries'): BenchRow => ({
      group: GROUP,
      name: `${dispatchers} dispatcher${dispatchers > 1 ? 's' : ''} (${dispatchers} × npm run worker) · ${what}`,
      value: round(r.rate, 1),
      unit: 'deliveries/s',
      ...(base ? { baseline: { name: '1 dispatcher', value: round(base.rate, 1) }, ratio: round(r.rate / base.rate, 2) } : {}),
      notes: `${r.delivered}/${r.total} delivered, ${r.dead} dead, ${r.retried} retried; first-to-last ${round(r.spanMs, 0)} ms, insert-to-last ${round(r.wallMs, 0)} ms`,
    });
    return [row(1, one), row(4, four, one), row(1, hooksOne, undefined, 'webhook deliveries'), row(4, hooksFour, hooksOne, 'webhook deliveries')];
  } finally {
    for (const c of children.reverse()) await c.stop();
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
    await sql.end({ timeout: 2 });
    await db.drop();
    scratch.remove();
  }
}

interface Round {
  total: number;
  delivered: number;
  dead: number;
  retried: number;
  rate: number;
  spanMs: number;
  wallMs: number;
}

type Insert = (sql: postgres.Sql, n: number) => Promise<unknown>;

/** `n` redemption reports for prakerja.go.id. */
const insertRedemptionReports: Insert = (sql, n) => sql`
    insert into outbox (destination, kind, enrollment_id, provider_id, payload, idempotency_key)
    select 'prakerja', 'prakerja.redemption', id, ${PROVIDER.id},
      jsonb_build_object('enrollmentId', id, 'voucherCode', 'TO' || lpad(i::text, 10, '0'), 'cardNumber', '56' || lpad(i::text, 14, '0'),
        'platform', ${PRIMARY.id}::text, 'courseId', ${COURSE.id}::text, 'redeemedAt', now(), 'idempotencyKey', id || ':prakerja.redemption'),
      id || ':prakerja.redemption'
    from (select gen_random_uuid() as id, i from generate_series(1, ${n}::int) as i) as g`;

/** `n` events for one provider endpoint, as emitProviderEvents writes them (the body is the event's JSON text). */
const insertWebhooks =
  (endpointId: string): Insert =>
  (sql, n) => sql`
    insert into outbox (destination, kind, provider_id, payload, idempotency_key)
    select ${`webhook:${endpointId}`}, 'webhook.deliver', ${PROVIDER.id},
      jsonb_build_object('eventId', id, 'type', 'ping', 'body',
        jsonb_build_object('id', id, 'type', 'ping', 'occurredAt', now(), 'apiVersion', ${EVENTS_API_VERSION}::text, 'enrollmentId', null, 'sequence', null,
          'data', jsonb_build_object('enrollment', null, 'message', 'bench ' || i))::text),
      'webhook:' || ${endpointId}::text || ':' || id
    from (select 'evt_' || replace(gen_random_uuid()::text, '-', '') as id, i from generate_series(1, ${n}::int) as i) as g`;

/** Enqueues `n` deliveries at once and waits until every one is delivered (or dead). */
async function deliverRound(sql: postgres.Sql, label: string, n: number, insert: Insert): Promise<Round> {
  const t0 = performance.now();
  await insert(sql, n);
  const created = await sql<[{ at: Date }]>`select max(created_at) as at from outbox`;
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const [s] = await sql<[{ open: number }]>`select count(*)::int as open from outbox where status = 'pending'`;
    if (s.open === 0) break;
    if (Date.now() > deadline) throw new Error(`${label}: ${s.open} deliveries still pending after 10 minutes`);
    await sleep(50);
  }
  const wallMs = performance.now() - t0;
  const [r] = await sql<[{ delivered: number; dead: number; retried: number; first: Date; last: Date }]>`
    select count(*) filter (where status = 'delivered')::int as delivered, count(*) filter (where status = 'dead')::int as dead,
      count(*) filter (where attempts > 1)::int as retried, min(delivered_at) as first, max(delivered_at) as last
    from outbox where created_at >= ${created[0].at}`;
  // Rows of earlier rounds were created before this one's insert: only this round's are counted.
  const spanMs = r.last && r.first ? r.last.getTime() - r.first.getTime() : Number.NaN;
  if (r.delivered + r.dead !== n) throw new Error(`${label}: expected ${n} rows, found ${r.delivered + r.dead}`);
  return { total: n, delivered: r.delivered, dead: r.dead, retried: r.retried, rate: (r.delivered - 1) / (spanMs / 1000), spanMs, wallMs };
}
