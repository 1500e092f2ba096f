/**
 * The gateway as a Cloudflare Worker, run for real: the production bundle (`--env production`)
 * is built without PGlite and without any simulator code, and the sandbox Worker runs under
 * workerd (wrangler's `unstable_startWorker`, local mode, offline) against a fresh PostgreSQL
 * database migrated by `npm run db:migrate`: redemption, exactly-once under 30 parallel attempts,
 * a signed callback, the outbox delivered through the local Queue to a loopback receiver, the
 * cron sweeping a lost send, housekeeping, the body limit. The queue consumers' decisions are
 * tested on both databases in test/db/outbox-queue.test.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenKeys } from '../src/auth/tokens.js';
import { SANDBOX_SECRETS } from '../src/sandbox/demo-data.js';
import { startSandboxWorker, WRANGLER_OFFLINE } from './support/worker.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = (name: string) => join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

const OFFLINE = { ...WRANGLER_OFFLINE, NO_COLOR: '1', FORCE_COLOR: '0' };

let scratch: string;
let childEnv: NodeJS.ProcessEnv;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'gateway-worker-test-'));
  childEnv = { ...process.env, ...OFFLINE, XDG_CONFIG_HOME: join(scratch, 'config'), WRANGLER_LOG_PATH: join(scratch, 'logs') };
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Runs a command to completion, keeping its output for the failure message. */
function run(bin: string, args: string[], env: NodeJS.ProcessEnv = childEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(bin, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Only in the sandbox's code: the simulators' unsigned door for emitting callbacks. */
const SIMULATOR_MARKER = '/_sandbox/emit';

describe('Cloudflare Worker build', () => {
  it('bundles the production Worker (`--env production`) without PGlite and without any simulator', async () => {
    const outdir = join(scratch, 'dist');
    const wranglerMeta = join(scratch, 'wrangler-meta.json');
    const { code, output } = await run(BIN('wrangler'), ['deploy', '--dry-run', '--env', 'production', '--outdir', outdir, '--metafile', wranglerMeta]);
    expect(code, `wrangler deploy --dry-run --env production failed:\n${output}`).toBe(0);
    expect(output).toMatch(/env\.HYPERDRIVE/);
    expect(output).toMatch(/env\.OUTBOX_QUEUE/);

    const bundle = join(outdir, 'worker.js');
    expect(existsSync(bundle), `no ${bundle}:\n${output}`).toBe(true);
    const js = readFileSync(bundle, 'utf8');
    expect(js.length).toBeGreaterThan(10_000);
    expect(js).not.toContain('@electric-sql/pglite');
    expect(js).not.toMatch(/\bPGlite\b/);
    expect(js).not.toContain(SIMULATOR_MARKER);
    expect(js).not.toContain('createSandbox');

    // The first pass (scripts/build-worker.mjs) bundles our sources: its metafile names every one that went in.
    const inputsOf = (file: string) => Object.keys((JSON.parse(readFileSync(file, 'utf8')) as { inputs: Record<string, unknown> }).inputs);
    const ours = inputsOf(join(ROOT, 'dist', 'worker-production', 'meta.json'));
    expect(ours).toContain('src/worker.ts');
    expect(ours).toContain('src/workers/sandbox-excluded.ts');
    expect(ours.filter((i) => /src\/node\/|simulator|sandbox\/sandbox\.ts|sandbox-in-isolate/i.test(i))).toEqual([]);
    // wrangler's pass adds the packages: the Workers build of postgres.js, not the Node one, and no PGlite.
    const packages = inputsOf(wranglerMeta);
    expect(packages.some((i) => i.includes('node_modules/postgres/cf/'))).toBe(true);
    expect(packages.filter((i) => /pglite/i.test(i))).toEqual([]);
  }, 90_000);
});

const DATABASE = process.env.TEST_DATABASE_URL;
if (!DATABASE) {
  process.stderr.write('test/worker.test.ts: TEST_DATABASE_URL is unset, so the Worker is not run against PostgreSQL (set it, as .ci/run does, to run it).\n');
}

describe.skipIf(!DATABASE)('Cloudflare Worker under workerd against PostgreSQL', () => {
  type Started = Awaited<ReturnType<typeof startSandboxWorker>>;
  let started: Started;
  let worker: Started['worker'];
  let sql: postgres.Sql;
  let admin: postgres.Sql;
  let dbName: string;
  let receiver: Server;
  let receiverUrl: string;
  const received: Array<{ id: string; body: string }> = [];
  const tokens = new TokenKeys(SANDBOX_SECRETS.auth);
  let providerToken: string;
  const MAX_BODY = 4096;
  const READS_PER_WINDOW = 15;

  const call = (path: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    worker.fetch(`http://gateway.test${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': `k-${Math.random().toString(36).slice(2)}` }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });

  /** Polls `check` until it holds; the Queue delivers asynchronously. */
  async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await check();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    const base = new URL(DATABASE!);
    dbName = `gw_worker_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    admin = postgres(base.toString(), { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${dbName}`);
    const url = new URL(base);
    url.pathname = `/${dbName}`;

    // The deploy step a Worker needs: the schema, by the same migrator as Node.
    const migrated = await run(BIN('tsx'), ['scripts/db-migrate.ts'], { ...childEnv, DATABASE_URL: url.toString() });
    expect(migrated.code, migrated.output).toBe(0);
    expect(migrated.output).toContain(`${dbName} up to date`);
    sql = postgres(url.toString(), { max: 2, onnotice: () => {} });

    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ id: String(req.headers['webhook-id']), body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

    started = await startSandboxWorker({
      scratch,
      testScheduled: true,
      vars: {
        DATABASE_URL: url.toString(),
        MAX_BODY_BYTES: String(MAX_BODY),
        LOG_LEVEL: 'warn',
        RATE_LIMIT_READS: String(READS_PER_WINDOW),
        // An hour's window: the fixed window cannot roll over between the requests that fill it and the one refused.
        RATE_LIMIT_WINDOW_SECONDS: '3600',
      },
    });
    worker = started.worker;
    providerToken = await tokens.issue({ kind: 'provider', providerId: 'prv-komputer-jaya' }, 3600);
  }, 120_000);

  afterAll(async () => {
    await started?.dispose();
    await new Promise((r) => receiver?.close(r));
    await sql?.end();
    if (admin) {
      await admin.unsafe(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  }, 30_000);

  it('seeds the sandbox catalogue, mounts the simulators, and answers /readyz', async () => {
    const ready = await call('/readyz');
    expect(ready.status).toBe(200);
    const stats = await call('/sandbox/_stats');
    expect(stats.status).toBe(200);
    const [{ n }] = await sql<[{ n: number }]>`select count(*)::int as n from providers where id = 'prv-komputer-jaya'`;
    expect(n).toBe(1);
  });

  it('redeems a voucher exactly once under 30 parallel attempts, and the Queue delivers its event to the provider webhook', async () => {
    const endpoint = await call('/v1/webhook-endpoints', { token: providerToken, body: { url: receiverUrl, eventTypes: ['enrollment.redeemed'] } });
    expect(endpoint.status, await endpoint.clone().text()).toBe(201);

    const body = { voucherCode: 'TKPA1B2C3D4E', cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 'siti.r@example.id' } };
    const answers = await Promise.all(Array.from({ length: 30 }, () => call('/v1/redemptions', { token: providerToken, body })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201), statuses.join(',')).toHaveLength(1);
    expect(statuses.filter((s) => s >= 500), statuses.join(',')).toEqual([]);
    const created = (await answers[statuses.indexOf(201)].json()) as { id: string; state: string };
    expect(created.state).toBe('redeemed');

    // No dispatcher polls on Workers: only the Queue can have delivered these.
    const delivery = await eventually('the enrollment.redeemed webhook', async () => received.find((r) => r.body.includes(created.id)));
    expect(JSON.parse(delivery.body)).toMatchObject({ type: 'enrollment.redeemed', enrollmentId: created.id });
    await eventually('every outbox row of the redemption delivered', async () => {
      const rows = await sql<Array<{ status: string }>>`select status from outbox where enrollment_id = ${created.id}`;
      return rows.length > 0 && rows.every((r) => r.status === 'delivered');
    });
  }, 60_000);

  it('applies a signed platform callback (the simulator calls the gateway back in the isolate)', async () => {
    const [enrollment] = await sql<[{ id: string }]>`select id from enrollments where voucher_code = 'TKPA1B2C3D4E'`;
    const emitted = await call('/sandbox/tokopedia/_sandbox/emit', {
      body: { kind: 'review.submitted', voucherCode: 'TKPA1B2C3D4E', rating: 5, review: 'Materinya jelas', reviewedAt: new Date().toISOString() },
    });
    expect(emitted.status, await emitted.clone().text()).toBeLessThan(300);
    const view = await call(`/v1/enrollments/${enrollment.id}`, { token: providerToken });
    expect(((await view.json()) as { review: unknown }).review).toMatchObject({ rating: 5, review: 'Materinya jelas' });
    const [{ n }] = await sql<[{ n: number }]>`select count(*)::int as n from inbound_events where source = 'tokopedia'`;
    expect(n).toBe(1);
  });

  it('`scheduled` sends a row whose queue message was lost, and the Queue delivers it', async () => {
    // A pending row written without its message (as if the send after the commit was lost).
    const [lost] = await sql<[{ id: number; payload: { eventId: string } }]>`
      insert into outbox (destination, kind, provider_id, enrollment_id, payload, idempotency_key, next_attempt_at)
      select destination, kind, provider_id, enrollment_id, payload, idempotency_key || ':lost', now() - interval '5 minutes'
      from outbox where kind = 'webhook.deliver' order by id limit 1
      returning id, payload`;
    const before = received.filter((r) => r.id === lost.payload.eventId).length;
    const cron = await call(`/__scheduled?cron=${encodeURIComponent('* * * * *')}`);
    expect(cron.status, await cron.clone().text()).toBe(200);
    await eventually('the swept row delivered', async () => {
      const [row] = await sql<[{ status: string }]>`select status from outbox where id = ${lost.id}`;
      return row.status === 'delivered';
    });
    expect(received.filter((r) => r.id === lost.payload.eventId).length).toBe(before + 1);
  }, 30_000);

  it('housekeeping (the ten-minute cron) purges idempotency keys past 48 h', async () => {
    await sql`insert into idempotency_keys (scope, route, key, request_hash, status, response_status, response_body, created_at)
              values ('prv-komputer-jaya', 'POST /v1/redemptions', 'old-key', 'h', 'done', 201, '{}', now() - interval '3 days'),
                     ('prv-komputer-jaya', 'POST /v1/redemptions', 'new-key', 'h', 'done', 201, '{}', now())`;
    const cron = await call(`/__scheduled?cron=${encodeURIComponent('*/10 * * * *')}`);
    expect(cron.status, await cron.clone().text()).toBe(200);
    const keys = await sql<Array<{ key: string }>>`select key from idempotency_keys where key in ('old-key', 'new-key')`;
    expect(keys.map((k) => k.key)).toEqual(['new-key']);
  });

  it('does not remember a provider it did not find: one added a moment later is served at once', async () => {
    const token = await tokens.issue({ kind: 'provider', providerId: 'prv-late-arrival' }, 3600);
    expect((await call('/v1/events', { token })).status).toBe(401);
    await sql`insert into providers (id, name) values ('prv-late-arrival', 'LPK Datang Belakangan')`;
    expect((await call('/v1/events', { token })).status).toBe(200);
  });

  it('registers no tracing without OTEL_* variables: no span records, so a problem answered without traceparent names no trace', async () => {
    // With an exporter configured the same answer carries its new trace's id (test/worker-tracing.test.ts).
    const refused = await call('/v1/events', { token: 'not-a-token' });
    expect(refused.status).toBe(401);
    expect(await refused.json()).not.toHaveProperty('traceId');
  });

  it('counts rate limits as on Node: past RATE_LIMIT_READS a provider gets 429 problem+json with Retry-After', async () => {
    const token = await tokens.issue({ kind: 'provider', providerId: 'prv-bahasa-nusantara' }, 3600);
    const statuses: number[] = [];
    for (let i = 0; i < READS_PER_WINDOW; i++) statuses.push((await call('/v1/events', { token })).status);
    expect(statuses.every((s) => s === 200), statuses.join(',')).toBe(true);
    const refused = await call('/v1/events', { token });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('serves the operators’ console in the isolate: an ops token signs in (Secure cookie off loopback) and a page renders', async () => {
    const form = await call('/console/sign-in');
    expect(form.status).toBe(200);
    const cookie = (res: { headers: { getSetCookie(): string[] } }) => res.headers.getSetCookie().map((c) => c.split(';')[0]);
    const presign = cookie(form);
    const csrf = (await form.text()).match(/name="_csrf" value="([^"]+)"/)![1];
    const signIn = await worker.fetch('http://gateway.test/console/sign-in', {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: presign.join('; '), origin: 'http://gateway.test', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, token: await tokens.issue({ kind: 'ops', operator: 'rina' }, 600) }).toString(),
    });
    expect(signIn.status, await signIn.clone().text()).toBe(303);
    const session = signIn.headers.getSetCookie().find((c) => c.startsWith('console_session='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/Secure/);
    const page = await call('/console/platforms', { headers: { cookie: [...presign, ...cookie(signIn)].join('; ') } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Masuk sebagai <strong>rina</strong>');
    expect(html).toContain('prakerja.go.id');
    expect((await call('/console/assets/console.css')).status).toBe(200);
  });

  // Last: the refused request's unread body is the one thing here that leaves a connection half-read.
  it('refuses a body over MAX_BODY_BYTES with 413 problem+json, writing nothing', async () => {
    const body = { voucherCode: 'TKPX5Y6Z7A8B', cardNumber: '3273011122330005', participant: { name: 'D'.repeat(MAX_BODY), email: 'd@example.id' } };
    const r = await call('/v1/redemptions', { token: providerToken, body });
    expect(r.status).toBe(413);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const [{ n }] = await sql<[{ n: number }]>`select count(*)::int as n from enrollments where voucher_code = 'TKPX5Y6Z7A8B'`;
    expect(n).toBe(0);
  });
});
