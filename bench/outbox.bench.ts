/**
 * Outbox: deliveries per second to a sandbox destination (prakerja.go.id's redemption report,
 * at the simulators in their own process), and of provider webhooks (signed per Standard
 * Webhooks, to a loopback receiver in this process answering 204), with 1 and then 4 dispatchers, each a separate
 * `npm run worker` process (`node --import tsx src/node/worker-main.ts`) on one Postgres, sharing
 * the rows through SKIP LOCKED leases. The rate is taken from the rows' own delivered_at stamps
 * (first to last delivery), so the workers' idle polling before the first claim does not count.
 *
 * The sandbox is one Node process that verifies the signature of, and answers, every report the
 * workers send: it can be the ceiling rather than the dispatchers. So the same reports are also
 * delivered, by workers started anew, to a bare receiver in this process (node:http answering
 * prakerja.go.id's receipt envelope without reading anything), and every round notes the CPU each
 * party used over it (sandbox, workers, this process's receivers, the scratch database's
 * PostgreSQL backends), as a share of one core.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
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
/**
 * Deliveries per worker and kind in the unreported round that warms a set of workers: with 500
 * each, the 4 workers' CPU per delivery was twice one warm worker's; with 4,000, the same.
 */
const WARM_UP = 4_000;

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
  const receiver = await listen((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  // prakerja.go.id at its barest: any path, the body drained unread, a receipt the adapter accepts.
  let receipts = 0;
  const bare = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = `{"success":true,"message":"Sukses","data":{"reference":"PRJ-${(++receipts).toString(16).padStart(8, '0')}"}}`;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
  });
  const endpointId = `ep_${'b'.repeat(32)}`;
  try {
    const sandbox = await startSandbox(scratch.dataDir);
    children.push(sandbox.child);

    const startWorker = async (n: number, partners: { url: string; label: string }, workers: Child[]) => {
      // With --profile, the first worker of each set is profiled over all its rounds.
      const profile = opts.profileDir && n === 1 ? ['--cpu-prof', '--cpu-prof-dir', join(opts.profileDir, `outbox-worker-${partners.label}`)] : [];
      const child = await startNode({
        name: `worker-${partners.label}-${n}`,
        script: 'src/node/worker-main.ts',
        nodeArgs: profile,
        env: { DATABASE_URL: db.url, DATA_DIR: scratch.dataDir, SANDBOX: 'true', SANDBOX_URL: partners.url, LOG_LEVEL: 'info' },
        ready: (output) => output.includes('outbox dispatcher running'),
      });
      children.push(child);
      workers.push(child);
    };
    const toSandbox = { url: sandbox.url, label: 'sandbox' };
    const toBare = { url: `http://127.0.0.1:${port(bare)}`, label: 'bare' };
    const meters = (workers: Child[]): Meter[] => [
      { name: 'sandbox', cpuMs: () => sandbox.child.cpuMs() ?? Number.NaN },
      { name: `${workers.length} worker${workers.length > 1 ? 's' : ''}`, cpuMs: () => workers.reduce((a, w) => a + (w.cpuMs() ?? Number.NaN), 0) },
      { name: 'bench receivers', cpuMs: () => ownCpuMs() },
      { name: 'postgres', cpuMs: backendsCpu(sql, db.name) },
    ];

    // The first worker migrates the scratch database; the others start on a migrated one.
    const sandboxWorkers: Child[] = [];
    await startWorker(1, toSandbox, sandboxWorkers);
    await sql`insert into providers (id, name, prakerja_client_code) values (${PROVIDER.id}, ${PROVIDER.name}, ${PROVIDER.prakerjaClientCode}) on conflict do nothing`;
    // Workers in the sandbox open secrets with the sandbox's SECRETS_KEY.
    const sealed = await new SecretBox(SANDBOX_SECRETS_KEY).seal(newWebhookSecret(), webhookSecretContext(endpointId));
    await sql`insert into webhook_endpoints (id, provider_id, url, secret) values (${endpointId}, ${PROVIDER.id}, ${`http://127.0.0.1:${port(receiver)}/hooks`}, ${sealed})`;
    // Workers just started run cold (V8 not yet optimised, PostgreSQL backends with empty
    // caches): each set is warmed by an unreported round of each kind, WARM_UP deliveries per
    // worker, so a 4-worker round does not measure three cold processes against one warm one.
    const warm = async (label: string, workers: Child[], kinds: Insert[]) => {
      if (opts.smoke) return;
      for (const [i, insert] of kinds.entries()) await deliverRound(sql, `${label}-warm-up-${i + 1}`, WARM_UP * workers.length, insert, meters(workers));
    };
    const bothKinds = [insertRedemptionReports, insertWebhooks(endpointId)];
    await warm('sandbox-1', sandboxWorkers, bothKinds);
    const one = await deliverRound(sql, 'r1', perRound, insertRedemptionReports, meters(sandboxWorkers));
    const hooksOne = await deliverRound(sql, 'w1', perRound, insertWebhooks(endpointId), meters(sandboxWorkers));
    for (let n = 2; n <= 4; n++) await startWorker(n, toSandbox, sandboxWorkers);
    await warm('sandbox-4', sandboxWorkers, bothKinds);
    const four = await deliverRound(sql, 'r4', perRound, insertRedemptionReports, meters(sandboxWorkers));
    const hooksFour = await deliverRound(sql, 'w4', perRound, insertWebhooks(endpointId), meters(sandboxWorkers));
    for (const w of sandboxWorkers) await w.stop();

    const bareWorkers: Child[] = [];
    await startWorker(1, toBare, bareWorkers);
    await warm('bare-1', bareWorkers, [insertRedemptionReports]);
    const bareOne = await deliverRound(sql, 'b1', perRound, insertRedemptionReports, meters(bareWorkers));
    for (let n = 2; n <= 4; n++) await startWorker(n, toBare, bareWorkers);
    await warm('bare-4', bareWorkers, [insertRedemptionReports]);
    const bareFour = await deliverRound(sql, 'b4', perRound, insertRedemptionReports, meters(bareWorkers));

    const row = (dispatchers: number, r: Round, base?: Round, what = 'deliveries'): BenchRow => ({
      group: GROUP,
      name: `${dispatchers} dispatcher${dispatchers > 1 ? 's' : ''} (${dispatchers} × npm run worker) · ${what}`,
      value: round(r.rate, 1),
      unit: 'deliveries/s',
      ...(base ? { baseline: { name: '1 dispatcher', value: round(base.rate, 1) }, ratio: round(r.rate / base.rate, 2) } : {}),
      notes: `${r.delivered}/${r.total} delivered, ${r.dead} dead, ${r.retried} retried; first-to-last ${round(r.spanMs, 0)} ms, insert-to-last ${round(r.wallMs, 0)} ms; CPU in cores over insert-to-last: ${r.cpu}; CPU ms per delivery: ${r.perDelivery}`,
    });
    return [
      row(1, one),
      row(4, four, one),
      row(1, hooksOne, undefined, 'webhook deliveries'),
      row(4, hooksFour, hooksOne, 'webhook deliveries'),
      row(1, bareOne, undefined, 'deliveries to a bare receiver'),
      row(4, bareFour, bareOne, 'deliveries to a bare receiver'),
    ];
  } finally {
    for (const c of children.reverse()) await c.stop();
    for (const s of [receiver, bare]) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    await sql.end({ timeout: 2 });
    await db.drop();
    scratch.remove();
  }
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

const port = (s: Server) => (s.address() as AddressInfo).port;

/** A party whose CPU time a round reads before and after. */
interface Meter {
  name: string;
  cpuMs: () => number | Promise<number>;
}

function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * CPU time of the backends serving the scratch database (other sessions share the server): a
 * backend that connects or leaves mid-round is counted for the part of the round it was seen in.
 */
function backendsCpu(sql: postgres.Sql, dbName: string): () => Promise<number> {
  return async () => {
    const rows = await sql<Array<{ pid: number }>>`select pid from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`;
    let ms = 0;
    for (const { pid } of rows) {
      try {
        const rest = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.split(' ');
        // utime + stime in clock ticks (USER_HZ, 100 on Linux).
        ms += (Number(rest[11]) + Number(rest[12])) * 10;
      } catch {
        // Gone between the query and the read.
      }
    }
    return ms;
  };
}

interface Round {
  total: number;
  delivered: number;
  dead: number;
  retried: number;
  rate: number;
  spanMs: number;
  wallMs: number;
  /** "sandbox 0.93 · 4 workers 0.61 · …": each party's CPU over the round, in cores. */
  cpu: string;
  /** The same parties' CPU time per delivery, in ms. */
  perDelivery: string;
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
async function deliverRound(sql: postgres.Sql, label: string, n: number, insert: Insert, meters: Meter[]): Promise<Round> {
  const cpu0 = await Promise.all(meters.map((m) => m.cpuMs()));
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
  const cpu1 = await Promise.all(meters.map((m) => m.cpuMs()));
  const cpu = meters.map((m, i) => `${m.name} ${round((cpu1[i] - cpu0[i]) / wallMs, 2)}`).join(' · ');
  // The same CPU per delivery: on a machine shared with other work, a steadier figure than the rate.
  const perDelivery = meters.map((m, i) => `${m.name} ${round((cpu1[i] - cpu0[i]) / n, 2)}`).join(' · ');
  const [r] = await sql<[{ delivered: number; dead: number; retried: number; first: Date; last: Date }]>`
    select count(*) filter (where status = 'delivered')::int as delivered, count(*) filter (where status = 'dead')::int as dead,
      count(*) filter (where attempts > 1)::int as retried, min(delivered_at) as first, max(delivered_at) as last
    from outbox where created_at >= ${created[0].at}`;
  // Rows of earlier rounds were created before this one's insert: only this round's are counted.
  const spanMs = r.last && r.first ? r.last.getTime() - r.first.getTime() : Number.NaN;
  if (r.delivered + r.dead !== n) throw new Error(`${label}: expected ${n} rows, found ${r.delivered + r.dead}`);
  process.stderr.write(`  outbox ${label}: ${round((r.delivered - 1) / (spanMs / 1000), 1)}/s; CPU in cores ${cpu}; ms per delivery ${perDelivery}\n`);
  return { total: n, delivered: r.delivered, dead: r.dead, retried: r.retried, rate: (r.delivered - 1) / (spanMs / 1000), spanMs, wallMs, cpu, perDelivery };
}
