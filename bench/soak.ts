/**
 * `npm run bench -- --soak <minutes> [--soak-sample <seconds>]`: the gateway on PostgreSQL (with
 * its outbox dispatcher) and the simulators in a process of their own, driven at a fixed moderate
 * rate by a realistic mix — redemptions, progress reports, batch completions, review callbacks,
 * operators' reads and one reconciliation run half-way — while every sample interval (a minute by
 * default) records the gateway's RSS, heap, active handles, open fds, database connections,
 * outbox backlog and p50/p99. Each series gets its least-squares slope per minute: a leak shows as
 * a slope that does not go away over a longer run. Rate limits and outbound caps are off, as in
 * every benchmark (bench/lib/proc.ts), so the mix is what is measured, not the limits.
 */
import { readdirSync } from 'node:fs';
import postgres from 'postgres';
import { TokenKeys } from '../src/auth/tokens.js';
import { SANDBOX_SECRETS } from '../src/sandbox/demo-data.js';
import { quantile, round } from './lib/load.js';
import { createScratchDatabase, postgresAvailable } from './lib/pg.js';
import { answers, freePort, MB, sleep, startNode, type Child } from './lib/proc.js';
import { makeVouchers, PRIMARY, providerToken, scratchDir, seedSandbox, type BenchVoucher } from './lib/world.js';

/** Requests per second of each kind; batches and the reconciliation run are counted apart. */
export const SOAK_RATES = { redemptions: 5, progress: 5, callbacks: 2, opsReads: 3 } as const;
/** One batch of completions (every enrollment with a reported session not yet completed, ≤ 100) this often. */
const BATCH_EVERY_MS = 10_000;
const TICK_MS = 200;
/** Beyond this many requests in flight a tick sends nothing (and counts what it skipped): the load stays open-loop but bounded. */
const MAX_IN_FLIGHT = 200;

export interface SoakSample {
  /** Minutes since the load started. */
  minute: number;
  rssMB: number;
  heapUsedMB: number;
  activeHandles: number;
  openFds: number;
  dbConnections: number;
  outboxPending: number;
  requests: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
}

export interface SoakResult {
  minutes: number;
  sampleSeconds: number;
  rates: typeof SOAK_RATES & { batchEverySeconds: number };
  samples: SoakSample[];
  /** Least-squares slope of each series, per minute. */
  slopes: Record<Exclude<keyof SoakSample, 'minute'>, number>;
  totals: { requests: number; failures: number; skipped: number; byKind: Record<string, { sent: number; failed: number; statuses: Record<string, number> }> };
  reconciliation?: { status: string; ms: number };
}

/** The least-squares slope of y over x (NaN with fewer than two points). */
export function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

/** One gauge of the gateway's Prometheus text (process and Node metrics come from prom-client's defaults). */
function gauge(text: string, name: string): number {
  const m = text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm'));
  return m ? Number(m[1]) : Number.NaN;
}

function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
}

export async function runSoak(opts: { minutes: number; sampleSeconds?: number; log?: (line: string) => void }): Promise<SoakResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  if (!(await postgresAvailable())) throw new Error('the soak runs on PostgreSQL: none at TEST_DATABASE_URL / 127.0.0.1:5432');
  const durationMs = Math.round(opts.minutes * 60_000);
  const sampleMs = Math.round((opts.sampleSeconds ?? 60) * 1000);
  const scratch = scratchDir('soak');
  const db = await createScratchDatabase('soak');
  const sql = postgres(db.url, { max: 1, onnotice: () => {} });
  const children: Child[] = [];
  try {
    // Ports first: the simulators send their callbacks to the gateway, the gateway calls them.
    const [gwPort, sbPort] = [await freePort(), await freePort()];
    const gatewayUrl = `http://127.0.0.1:${gwPort}`;
    const sandboxUrl = `http://127.0.0.1:${sbPort}`;
    const common = { HOST: '127.0.0.1', DATA_DIR: scratch.dataDir, LOG_LEVEL: 'warn', AUTH_SECRET: undefined };
    children.push(
      await startNode({
        name: 'sandbox',
        script: 'src/node/sandbox-main.ts',
        env: { ...common, PORT: String(sbPort), SEED_DEMO: 'false', GATEWAY_URL: gatewayUrl, DATABASE_URL: undefined },
        ready: () => answers(`${sandboxUrl}/sandbox/_stats`),
      }),
    );
    const gateway = await startNode({
      name: 'gateway-soak',
      script: 'src/node/main.ts',
      env: { ...common, PORT: String(gwPort), DATABASE_URL: db.url, SANDBOX: 'true', SANDBOX_URL: sandboxUrl, SEED_DEMO: 'true', DISPATCHER: 'true', METRICS_AUTH: 'open' },
      ready: () => answers(`${gatewayUrl}/readyz`),
    });
    children.push(gateway);

    const vouchers = makeVouchers(8, '78', Math.ceil((durationMs / 1000) * SOAK_RATES.redemptions * 1.2) + 50, [PRIMARY]);
    await seedSandbox(sandboxUrl, vouchers);
    const token = await providerToken();
    const opsToken = await new TokenKeys(SANDBOX_SECRETS.auth).issue({ kind: 'ops', operator: 'soak' }, 6 * 3600);

    const byKind: SoakResult['totals']['byKind'] = {};
    let latencies: number[] = [];
    let intervalRequests = 0;
    let intervalFailures = 0;
    let inFlight = 0;
    let skipped = 0;
    const redeemed: { id: string; voucher: BenchVoucher; sessions: number; reporting: number; reviewed: boolean; completed: boolean }[] = [];
    let nextVoucher = 0;

    const send = async (kind: string, path: string, init: { method?: string; body?: unknown; ops?: boolean; ok?: (status: number) => boolean }) => {
      const k = (byKind[kind] ??= { sent: 0, failed: 0, statuses: {} });
      k.sent++;
      inFlight++;
      const t0 = performance.now();
      let status = 0;
      let body: unknown;
      try {
        const res = await fetch(`${gatewayUrl}${path}`, {
          method: init.method ?? 'GET',
          headers: {
            authorization: `Bearer ${init.ops ? opsToken : token}`,
            ...(init.body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }),
          },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
          signal: AbortSignal.timeout(30_000),
        });
        status = res.status;
        body = await res.json().catch(() => undefined);
      } catch {
        status = 0;
      } finally {
        inFlight--;
      }
      latencies.push(performance.now() - t0);
      intervalRequests++;
      k.statuses[status] = (k.statuses[status] ?? 0) + 1;
      if (!(init.ok ?? ((s: number) => s >= 200 && s < 300))(status)) {
        k.failed++;
        intervalFailures++;
      }
      return { status, body };
    };

    const redeemOne = async () => {
      const v = vouchers[nextVoucher++];
      if (!v) return;
      const r = await send('redemption', '/v1/redemptions', { method: 'POST', body: { voucherCode: v.code, platform: v.platform, cardNumber: v.cardNumber, participant: { name: v.name, email: v.email } } });
      const id = (r.body as { id?: string } | undefined)?.id;
      if (r.status === 201 && id) redeemed.push({ id, voucher: v, sessions: 0, reporting: 0, reviewed: false, completed: false });
    };
    const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];
    const progressOne = async () => {
      const e = pick(redeemed.filter((x) => !x.completed && x.sessions < 3).slice(-200));
      if (!e) return;
      const sequence = ++e.sessions;
      // A batch must not complete an enrollment while a session report to it is in flight: the
      // gateway would rightly answer that report 409 training_finished (a race of the generator).
      e.reporting++;
      try {
        await send('progress', `/v1/enrollments/${e.id}/progress`, { method: 'POST', body: { sequence, attendedAt: new Date().toISOString() } });
      } finally {
        e.reporting--;
      }
    };
    const callbackOne = async () => {
      const e = redeemed.find((x) => !x.reviewed);
      if (!e) return;
      e.reviewed = true;
      // The platform's simulator signs the review and posts it to the gateway's callback door.
      const k = (byKind.callback ??= { sent: 0, failed: 0, statuses: {} });
      k.sent++;
      inFlight++;
      const t0 = performance.now();
      let status = 0;
      try {
        const res = await fetch(`${sandboxUrl}/sandbox/${e.voucher.platform}/_sandbox/emit`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ kind: 'review.submitted', voucherCode: e.voucher.code, rating: 5, review: 'Materinya jelas dan praktis.', reviewedAt: new Date().toISOString() }),
          signal: AbortSignal.timeout(30_000),
        });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 0;
      } finally {
        inFlight--;
      }
      latencies.push(performance.now() - t0);
      intervalRequests++;
      k.statuses[status] = (k.statuses[status] ?? 0) + 1;
      if (status < 200 || status >= 300) (k.failed++, intervalFailures++);
    };
    let opsTurn = 0;
    const opsRead = async () => {
      const turn = opsTurn++ % 3;
      if (turn === 0) await send('ops read', '/v1/ops/platforms', { ops: true });
      else if (turn === 1) await send('ops read', '/v1/ops/discrepancies?limit=50', { ops: true });
      else {
        const e = pick(redeemed);
        if (e) await send('enrollment read', `/v1/enrollments/${e.id}`, {});
      }
    };
    const batchOnce = async () => {
      const due = redeemed.filter((x) => x.sessions > 0 && x.reporting === 0 && !x.completed).slice(0, 100);
      if (due.length === 0) return;
      for (const e of due) e.completed = true;
      const completedAt = new Date().toISOString();
      const items = due.map((e, i) => ({
        enrollmentId: e.id,
        outcome: 'passed',
        score: 70 + (i % 30),
        completedAt,
        certificate: { number: `CERT-SOAK-${e.id.slice(0, 8)}`, issuedAt: completedAt, url: `https://lpk.example.id/cert/${e.id}.pdf`, sha256: 'a'.repeat(64) },
      }));
      await send('batch completion', '/v1/completions/batch', { method: 'POST', body: { items } });
    };
    let reconciliation: SoakResult['reconciliation'];
    const reconcile = async () => {
      const t0 = performance.now();
      const from = new Date(Date.now() - 86_400_000).toISOString();
      const r = await send('reconciliation', '/v1/ops/reconciliation/runs', { method: 'POST', ops: true, body: { platform: PRIMARY.id, from, reason: 'soak' } });
      const id = (r.body as { id?: string } | undefined)?.id;
      let status = (r.body as { status?: string } | undefined)?.status ?? `HTTP ${r.status}`;
      // Runs may finish in the background: follow it to its end, as an operator would.
      while (id && status === 'running') {
        await sleep(1000);
        status = ((await send('ops read', `/v1/ops/reconciliation/runs/${id}`, { ops: true })).body as { status?: string } | undefined)?.status ?? 'unknown';
      }
      reconciliation = { status, ms: Math.round(performance.now() - t0) };
    };

    const samples: SoakSample[] = [];
    const started = performance.now();
    const sample = async () => {
      const metrics = await fetch(`${gatewayUrl}/metrics`).then((r) => r.text()).catch(() => '');
      const [{ n: connections }] = await sql<[{ n: number }]>`select count(*)::int as n from pg_stat_activity where datname = ${db.name}`;
      const [{ n: pending }] = await sql<[{ n: number }]>`select count(*)::int as n from outbox where status = 'pending'`;
      const lat = Float64Array.from(latencies).sort();
      const s: SoakSample = {
        minute: round((performance.now() - started) / 60_000, 3),
        rssMB: MB(gateway.rss()),
        heapUsedMB: MB(gauge(metrics, 'gateway_nodejs_heap_size_used_bytes')),
        activeHandles: gauge(metrics, 'gateway_nodejs_active_handles_total'),
        openFds: openFds(gateway.pid),
        // Less our own sampling connection.
        dbConnections: connections - 1,
        outboxPending: pending,
        requests: intervalRequests,
        failures: intervalFailures,
        p50Ms: round(quantile(lat, 0.5)),
        p99Ms: round(quantile(lat, 0.99)),
      };
      latencies = [];
      intervalRequests = 0;
      intervalFailures = 0;
      samples.push(s);
      log(`  soak ${s.minute.toFixed(2)} min: rss ${s.rssMB} MB, heap ${s.heapUsedMB} MB, handles ${s.activeHandles}, fds ${s.openFds}, db ${s.dbConnections}, outbox ${s.outboxPending}, ${s.requests} req (${s.failures} failed), p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms`);
    };

    log(`▶ soak: ${opts.minutes} min at ${Object.entries(SOAK_RATES).map(([k, v]) => `${v}/s ${k}`).join(', ')}, a batch every ${BATCH_EVERY_MS / 1000} s; sampled every ${sampleMs / 1000} s`);
    const pending = new Set<Promise<unknown>>();
    const fire = (f: () => Promise<unknown>) => {
      if (inFlight >= MAX_IN_FLIGHT) return void skipped++;
      const p = f().finally(() => pending.delete(p));
      pending.add(p);
    };
    // Fractional rates carried from tick to tick, so 5/s at 5 ticks a second is exactly one a tick.
    const owed: Record<keyof typeof SOAK_RATES, number> = { redemptions: 0, progress: 0, callbacks: 0, opsReads: 0 };
    const actions: Record<keyof typeof SOAK_RATES, () => Promise<unknown>> = { redemptions: redeemOne, progress: progressOne, callbacks: callbackOne, opsReads: opsRead };
    let nextSample = sampleMs;
    let nextBatch = BATCH_EVERY_MS;
    let reconciled = false;
    for (let tick = 0; ; tick++) {
      const elapsed = performance.now() - started;
      if (elapsed >= durationMs) break;
      for (const k of Object.keys(SOAK_RATES) as (keyof typeof SOAK_RATES)[]) {
        owed[k] += (SOAK_RATES[k] * TICK_MS) / 1000;
        for (; owed[k] >= 1; owed[k]--) fire(actions[k]);
      }
      if (elapsed >= nextBatch) (fire(batchOnce), (nextBatch += BATCH_EVERY_MS));
      if (!reconciled && elapsed >= durationMs / 2) (fire(reconcile), (reconciled = true));
      if (elapsed >= nextSample) {
        await sample();
        nextSample += sampleMs;
      }
      // A fixed schedule: the next tick is due at its time, however long this one took.
      await sleep(Math.max(0, (tick + 1) * TICK_MS - (performance.now() - started)));
    }
    await Promise.allSettled([...pending]);
    await sample();

    const xs = samples.map((s) => s.minute);
    const series = (k: keyof SoakSample) => samples.map((s) => s[k]);
    const keys = ['rssMB', 'heapUsedMB', 'activeHandles', 'openFds', 'dbConnections', 'outboxPending', 'requests', 'failures', 'p50Ms', 'p99Ms'] as const;
    const slopes = Object.fromEntries(keys.map((k) => [k, round(slope(xs, series(k)), 3)])) as SoakResult['slopes'];
    const totals = {
      requests: Object.values(byKind).reduce((a, k) => a + k.sent, 0),
      failures: Object.values(byKind).reduce((a, k) => a + k.failed, 0),
      skipped,
      byKind,
    };
    return { minutes: opts.minutes, sampleSeconds: sampleMs / 1000, rates: { ...SOAK_RATES, batchEverySeconds: BATCH_EVERY_MS / 1000 }, samples, slopes, totals, reconciliation };
  } finally {
    await sql.end({ timeout: 2 });
    for (const c of children.reverse()) await c.stop();
    await db.drop();
    scratch.remove();
  }
}

/** The report as text: one row per sample, then the slopes. */
export function formatSoak(r: SoakResult): string {
  const cols = ['minute', 'rssMB', 'heapUsedMB', 'activeHandles', 'openFds', 'dbConnections', 'outboxPending', 'requests', 'failures', 'p50Ms', 'p99Ms'] as const;
  const width = (c: string) => Math.max(c.length, 8);
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(width(cols[i]))).join(' | ')} |`;
  const out = [line([...cols]), `|${cols.map((c) => `${'-'.repeat(width(c) + 1)}:`).join('|')}|`];
  for (const s of r.samples) out.push(line(cols.map((c) => String(s[c]))));
  out.push(line(['slope/min', ...cols.slice(1).map((c) => String(r.slopes[c as keyof SoakResult['slopes']]))]));
  return out.join('\n');
}
