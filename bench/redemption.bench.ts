/**
 * Redemption under load: `POST /v1/redemptions` with autocannon on loopback (keep-alive, every
 * request a distinct voucher and Idempotency-Key), the sandbox simulators in a process of their
 * own, the gateway in another (real Postgres; PGlite as a second row). In the same run, on the
 * same sandbox: the bare baseline server (bench/baseline-server.ts) twice — with one upstream call
 * (the redeem), and with the gateway's three (voucher ‖ participant, then redeem) — and the
 * upstream call alone (the primary platform's redeem, as its adapter signs it, straight at the
 * sandbox). Then every redeemable platform of the registry through the gateway, one connection each.
 */
import { join } from 'node:path';
import type { Fetch } from '../src/contract/adapter.js';
import { loadOrCreateSandboxKeys } from '../src/node/sandbox-keys.js';
import { sandboxPartnerSettings } from '../src/sandbox/sandbox.js';
import { openDatabase } from '../src/node/database.js';
import { failures, load, round, type LoadResult, type PreparedRequest } from './lib/load.js';
import { createScratchDatabase, postgresAvailable, type ScratchDatabase } from './lib/pg.js';
import { answers, freePort, MB, startNode, type Child } from './lib/proc.js';
import { makeVouchers, PRIMARY, providerToken, REDEEMABLE, scratchDir, seedSandbox, startGateway, startSandbox, type BenchVoucher } from './lib/world.js';
import type { BenchOptions, BenchRow } from './types.js';

const GROUP = 'redemption';
const BASELINE = 'bare node:http + postgres.js';
/** The same bare server making the gateway's three upstream calls (BASELINE_CALLS=3). */
const BASELINE3 = 'baseline (same 3 upstream calls)';

interface Sizes {
  connections: number;
  warmup: number;
  requests: number;
  /** Requests of the one-connection latency run. */
  serial: number;
  /** Redemptions per platform in the every-platform run. */
  perPlatform: number;
}

interface Measured {
  loaded: LoadResult;
  serial: LoadResult;
  /** CPU time of the process under test during the loaded run, per response (ms). */
  cpuPerRequest?: number;
  peakRss?: number;
  /** RSS once started, before any load. */
  idleRss?: number;
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const sizes: Sizes = opts.smoke ? { connections: 8, warmup: 40, requests: 300, serial: 60, perPlatform: 5 } : { connections: 16, warmup: 500, requests: 6_000, serial: 1_000, perPlatform: 200 };
  const perTarget = sizes.warmup + sizes.requests + sizes.serial + 2 * sizes.connections;
  const scratch = scratchDir('redemption');
  const databases: ScratchDatabase[] = [];
  const children: Child[] = [];
  const withPostgres = await postgresAvailable();
  if (!withPostgres) process.stderr.write('redemption: no Postgres at TEST_DATABASE_URL / 127.0.0.1:5432; measuring PGlite only, without the baseline\n');

  try {
    const sandbox = await startSandbox(scratch.dataDir);
    children.push(sandbox.child);
    const token = await providerToken();
    const pools = {
      // The headline pools are on the primary platform only, the one the baseline re-implements.
      upstream: makeVouchers(1, '51', perTarget, [PRIMARY]),
      baseline: makeVouchers(2, '52', perTarget, [PRIMARY]),
      baseline3: makeVouchers(3, '55', perTarget, [PRIMARY]),
      postgres: makeVouchers(4, '53', perTarget, [PRIMARY]),
      pglite: makeVouchers(5, '54', perTarget, [PRIMARY]),
      // Then every redeemable platform through the same gateway, each adapter's own dialect and auth.
      platforms: makeVouchers(6, '56', sizes.perPlatform * REDEEMABLE.length),
    };
    await seedSandbox(sandbox.url, Object.values(pools).flat());

    /* ------------------------------------------------ the upstream call alone -------------- */
    const upstream = await measure(sandbox.url, sizes, await upstreamRequests(pools.upstream, sandbox.url, scratch.dataDir));

    /* ------------------------------------------------ the baseline server, 1 then 3 calls - */
    let baseline: Measured | undefined;
    let baseline3: Measured | undefined;
    if (withPostgres) {
      const measureBaseline = async (calls: 1 | 3, vouchers: BenchVoucher[]): Promise<Measured> => {
        const db = await createScratchDatabase(`baseline${calls}`);
        databases.push(db);
        const migrated = await openDatabase({ url: db.url, dataDir: '' });
        await migrated.close();
        const port = await freePort();
        const server = await startNode({
          name: `baseline-${calls}-call${calls === 1 ? '' : 's'}`,
          script: 'bench/baseline-server.ts',
          env: { PORT: String(port), DATABASE_URL: db.url, SANDBOX_URL: sandbox.url, BASELINE_CALLS: String(calls) },
          ready: () => answers(`http://127.0.0.1:${port}/healthz`),
        });
        children.push(server);
        const idleRss = server.rss();
        const m = await measure(`http://127.0.0.1:${port}`, sizes, gatewayRequests(vouchers, token, '/redeem'), server);
        m.peakRss = server.peakRss();
        m.idleRss = idleRss;
        await server.stop();
        return m;
      };
      baseline = await measureBaseline(1, pools.baseline);
      baseline3 = await measureBaseline(3, pools.baseline3);
    }

    /* ------------------------------------------------ the gateway, per database ----------- */
    const gateways: Array<{ target: 'postgres' | 'pglite'; m: Measured }> = [];
    const perPlatform: PlatformRun[] = [];
    for (const target of withPostgres ? (['postgres', 'pglite'] as const) : (['pglite'] as const)) {
      let databaseUrl: string | undefined;
      if (target === 'postgres') {
        const db = await createScratchDatabase('gateway');
        databases.push(db);
        databaseUrl = db.url;
      }
      const profile = opts.profileDir && target === 'postgres' ? ['--cpu-prof', '--cpu-prof-dir', join(opts.profileDir, 'redemption-gateway-postgres')] : [];
      const gw = await startGateway({ name: `gateway-${target}`, dataDir: join(scratch.dir, `pglite-${target}`), sandboxUrl: sandbox.url, databaseUrl, nodeArgs: profile });
      children.push(gw.child);
      const idleRss = gw.child.rss();
      const m = await measure(gw.url, sizes, gatewayRequests(pools[target], token, '/v1/redemptions'), gw.child);
      m.peakRss = gw.child.peakRss();
      m.idleRss = idleRss;
      // Once, on the first database: one connection, so each platform's figure is its own path's.
      if (perPlatform.length === 0) {
        for (const d of REDEEMABLE) {
          const mine = pools.platforms.filter((v) => v.platform === d.id);
          perPlatform.push({ name: d.displayName, target, result: await load({ url: gw.url, connections: 1, requests: gatewayRequests(mine, token, '/v1/redemptions', true) }) });
        }
      }
      await gw.child.stop();
      gateways.push({ target, m });
    }

    return [...rows(sizes, upstream, baseline, baseline3, gateways), ...platformRows(perPlatform)];
  } finally {
    for (const c of children.reverse()) await c.stop();
    for (const d of databases) await d.drop().catch((e) => process.stderr.write(`could not drop ${d.name}: ${e}\n`));
    scratch.remove();
  }
}

/**
 * Warm-up (not reported), the loaded run, then the one-connection latency run; each on vouchers
 * of its own. With `child`, also its CPU time per response over the loaded run: on a shared,
 * noisy machine a steadier figure of the server's own cost than its throughput.
 */
async function measure(url: string, s: Sizes, requests: PreparedRequest[], child?: Child): Promise<Measured> {
  let at = 0;
  const take = (n: number) => requests.slice(at, (at += n));
  await load({ url, connections: s.connections, requests: take(s.warmup) });
  const cpuBefore = child?.cpuMs();
  const loaded = await load({ url, connections: s.connections, requests: take(s.requests) });
  const cpuAfter = child?.cpuMs();
  const serial = await load({ url, connections: 1, requests: take(s.serial) });
  const cpuPerRequest = cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / loaded.responses : undefined;
  return { loaded, serial, cpuPerRequest };
}

/** `namePlatform`: say which platform sold it (a code may fit several platforms' formats). */
function gatewayRequests(vouchers: BenchVoucher[], token: string, path: string, namePlatform = false): PreparedRequest[] {
  return vouchers.map((v) => ({
    method: 'POST',
    path,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ voucherCode: v.code, ...(namePlatform ? { platform: v.platform } : {}), cardNumber: v.cardNumber, participant: { name: v.name, email: v.email } }),
  }));
}

interface PlatformRun {
  name: string;
  target: 'postgres' | 'pglite';
  result: LoadResult;
}

function platformRows(runs: PlatformRun[]): BenchRow[] {
  return runs.map(({ name, target, result }) => ({
    group: GROUP,
    name: `gateway · ${target === 'postgres' ? 'Postgres' : 'PGlite'} · ${name} · c=1 p50`,
    value: round(result.p50),
    unit: 'ms',
    notes: `p99 ${round(result.p99)} ms over ${result.responses} redemptions; ${failures(result)} non-2xx`,
  }));
}

/**
 * The primary platform's redeem exactly as its adapter sends it (timestamps stay within the
 * sandbox's ±5 minutes): the adapter is given a fetch that keeps the request instead of sending it.
 */
async function upstreamRequests(vouchers: BenchVoucher[], sandboxUrl: string, dataDir: string): Promise<PreparedRequest[]> {
  const keys = await loadOrCreateSandboxKeys(dataDir);
  const settings = sandboxPartnerSettings(sandboxUrl, keys).platforms[PRIMARY.id];
  const out: PreparedRequest[] = [];
  const keep: Fetch = async (input, init) => {
    const req = new Request(input, init);
    out.push({ method: 'POST', path: new URL(req.url).pathname, headers: Object.fromEntries(req.headers), body: await req.text() });
    throw new Error('kept, not sent');
  };
  const adapter = PRIMARY.createAdapter(settings, { fetch: keep, timeoutMs: 5_000 });
  for (const v of vouchers) {
    await adapter.redeemVoucher({ voucherCode: v.code, cardNumber: v.cardNumber, participantName: v.name, participantEmail: v.email, idempotencyKey: `redeem:${v.platform}:${v.code}` }).catch(() => undefined);
  }
  if (out.length !== vouchers.length) throw new Error(`${PRIMARY.id}: expected one upstream request per voucher, kept ${out.length}`);
  return out;
}

function rows(s: Sizes, upstream: Measured, baseline: Measured | undefined, baseline3: Measured | undefined, gateways: Array<{ target: 'postgres' | 'pglite'; m: Measured }>): BenchRow[] {
  const out: BenchRow[] = [];
  const c = `c=${s.connections}`;
  const vs = (value: number, base: number | undefined, name = BASELINE) =>
    base === undefined ? {} : { baseline: { name, value: round(base) }, ratio: round(value / base, 3) };

  for (const { target, m } of gateways) {
    const who = `gateway · ${target === 'postgres' ? 'Postgres' : 'PGlite'}`;
    const b = baseline;
    out.push(
      { group: GROUP, name: `${who} · ${c} throughput`, value: round(m.loaded.rps, 1), unit: 'req/s', ...vs(m.loaded.rps, b?.loaded.rps), notes: `${m.loaded.responses} requests; goal ratio ≥ 0.6${target === 'pglite' ? ' (baseline is on Postgres)' : ''}` },
      { group: GROUP, name: `${who} · ${c} p50`, value: round(m.loaded.p50), unit: 'ms', ...vs(m.loaded.p50, b?.loaded.p50) },
      { group: GROUP, name: `${who} · ${c} p99`, value: round(m.loaded.p99), unit: 'ms', ...vs(m.loaded.p99, b?.loaded.p99) },
      { group: GROUP, name: `${who} · ${c} p99.9`, value: round(m.loaded.p999), unit: 'ms', ...vs(m.loaded.p999, b?.loaded.p999) },
      { group: GROUP, name: `${who} · errors (non-2xx)`, value: failures(m.loaded) + failures(m.serial), unit: 'count', notes: statusNote(m) },
      { group: GROUP, name: `${who} · c=1 p50`, value: round(m.serial.p50), unit: 'ms', ...vs(m.serial.p50, upstream.serial.p50, 'upstream call alone') },
      { group: GROUP, name: `${who} · c=1 p99`, value: round(m.serial.p99), unit: 'ms', ...vs(m.serial.p99, upstream.serial.p99, 'upstream call alone') },
      {
        group: GROUP,
        name: `${who} · added p99 over upstream alone, c=1`,
        value: round(m.serial.p99 - upstream.serial.p99),
        unit: 'ms',
        ...(b ? { baseline: { name: `${BASELINE}, same measure`, value: round(b.serial.p99 - upstream.serial.p99) } } : {}),
        notes: 'goal < 2 ms; the gateway makes 3 upstream calls (voucher, participant, redeem) where the baseline makes 1',
      },
      { group: GROUP, name: `${who} · added p99 over upstream alone, ${c}`, value: round(m.loaded.p99 - upstream.loaded.p99), unit: 'ms', ...(b ? { baseline: { name: `${BASELINE}, same measure`, value: round(b.loaded.p99 - upstream.loaded.p99) } } : {}) },
      { group: GROUP, name: `${who} · peak RSS`, value: MB(m.peakRss), unit: 'MB', ...(b?.peakRss ? { baseline: { name: BASELINE, value: MB(b.peakRss) }, ratio: round(MB(m.peakRss) / MB(b.peakRss), 2) } : {}), notes: `VmHWM of the gateway process after its runs; ${MB(m.idleRss)} MB once started` },
    );
    const b3 = baseline3;
    if (b3) {
      // Against the fairer yardstick: the same bare server making the same three upstream calls.
      out.push(
        { group: GROUP, name: `${who} · ${c} throughput vs ${BASELINE3}`, value: round(m.loaded.rps, 1), unit: 'req/s', ...vs(m.loaded.rps, b3.loaded.rps, BASELINE3), notes: `goal ratio ≥ 0.6${target === 'pglite' ? ' (baseline is on Postgres)' : ''}` },
        { group: GROUP, name: `${who} · ${c} p99 vs ${BASELINE3}`, value: round(m.loaded.p99), unit: 'ms', ...vs(m.loaded.p99, b3.loaded.p99, BASELINE3) },
        {
          group: GROUP,
          name: `${who} · added p99 over ${BASELINE3}, c=1`,
          value: round(m.serial.p99 - b3.serial.p99),
          unit: 'ms',
          notes: `gateway c=1 p99 ${round(m.serial.p99)} ms − baseline's ${round(b3.serial.p99)} ms; goal < 2 ms`,
        },
        { group: GROUP, name: `${who} · added p99 over ${BASELINE3}, ${c}`, value: round(m.loaded.p99 - b3.loaded.p99), unit: 'ms', notes: `gateway ${c} p99 ${round(m.loaded.p99)} ms − baseline's ${round(b3.loaded.p99)} ms` },
      );
    }
    if (m.cpuPerRequest !== undefined) {
      out.push({
        group: GROUP,
        name: `${who} · CPU per redemption (${c} run)`,
        value: round(m.cpuPerRequest, 3),
        unit: 'ms',
        ...(b3?.cpuPerRequest !== undefined ? vs(m.cpuPerRequest, b3.cpuPerRequest, BASELINE3) : {}),
        notes: `user + system time of the gateway process over the ${c} run ÷ responses${target === 'pglite' ? ' (PGlite runs inside it)' : ''}`,
      });
    }
  }
  if (baseline) {
    out.push(
      { group: GROUP, name: `baseline · ${c} throughput`, value: round(baseline.loaded.rps, 1), unit: 'req/s', ...vs(baseline.loaded.rps, upstream.loaded.rps, 'upstream call alone'), notes: BASELINE },
      { group: GROUP, name: `baseline · ${c} p50 / p99`, value: round(baseline.loaded.p50), unit: 'ms', notes: `p99 ${round(baseline.loaded.p99)} ms, p99.9 ${round(baseline.loaded.p999)} ms` },
      { group: GROUP, name: `baseline · c=1 p99`, value: round(baseline.serial.p99), unit: 'ms', notes: `p50 ${round(baseline.serial.p50)} ms` },
      { group: GROUP, name: 'baseline · errors (non-2xx)', value: failures(baseline.loaded) + failures(baseline.serial), unit: 'count', notes: statusNote(baseline) },
      { group: GROUP, name: 'baseline · peak RSS', value: MB(baseline.peakRss), unit: 'MB', notes: `${MB(baseline.idleRss)} MB once started` },
    );
  }
  if (baseline3) {
    const b3 = baseline3;
    out.push(
      { group: GROUP, name: `${BASELINE3} · ${c} throughput`, value: round(b3.loaded.rps, 1), unit: 'req/s', ...(baseline ? vs(b3.loaded.rps, baseline.loaded.rps, 'baseline (1 upstream call)') : {}), notes: 'bare node:http + postgres.js; voucher ‖ participant, then redeem' },
      { group: GROUP, name: `${BASELINE3} · ${c} p50 / p99`, value: round(b3.loaded.p50), unit: 'ms', notes: `p99 ${round(b3.loaded.p99)} ms, p99.9 ${round(b3.loaded.p999)} ms` },
      { group: GROUP, name: `${BASELINE3} · c=1 p99`, value: round(b3.serial.p99), unit: 'ms', ...(baseline ? vs(b3.serial.p99, baseline.serial.p99, 'baseline (1 upstream call)') : {}), notes: `p50 ${round(b3.serial.p50)} ms; added p99 over upstream alone ${round(b3.serial.p99 - upstream.serial.p99)} ms` },
      ...(b3.cpuPerRequest !== undefined
        ? [{ group: GROUP, name: `${BASELINE3} · CPU per redemption (${c} run)`, value: round(b3.cpuPerRequest, 3), unit: 'ms', ...(baseline?.cpuPerRequest !== undefined ? vs(b3.cpuPerRequest, baseline.cpuPerRequest, 'baseline (1 upstream call)') : {}), notes: 'user + system time of the baseline process ÷ responses' }]
        : []),
      { group: GROUP, name: `${BASELINE3} · errors (non-2xx)`, value: failures(b3.loaded) + failures(b3.serial), unit: 'count', notes: statusNote(b3) },
      { group: GROUP, name: `${BASELINE3} · peak RSS`, value: MB(b3.peakRss), unit: 'MB', notes: `${MB(b3.idleRss)} MB once started` },
    );
  }
  out.push(
    { group: GROUP, name: `upstream call alone · ${c} throughput`, value: round(upstream.loaded.rps, 1), unit: 'req/s', notes: `${PRIMARY.displayName} redeem, signed, straight at the sandbox process` },
    { group: GROUP, name: `upstream call alone · ${c} p50 / p99`, value: round(upstream.loaded.p50), unit: 'ms', notes: `p99 ${round(upstream.loaded.p99)} ms, p99.9 ${round(upstream.loaded.p999)} ms` },
    { group: GROUP, name: 'upstream call alone · c=1 p50 / p99', value: round(upstream.serial.p50), unit: 'ms', notes: `p99 ${round(upstream.serial.p99)} ms; errors ${failures(upstream.loaded) + failures(upstream.serial)}` },
  );
  return out;
}

function statusNote(m: Measured): string | undefined {
  const codes: Record<string, number> = {};
  for (const r of [m.loaded, m.serial]) for (const [k, v] of Object.entries(r.statusCodes)) codes[k] = (codes[k] ?? 0) + v;
  const bad = Object.entries(codes).filter(([k]) => !k.startsWith('2'));
  const sockets = m.loaded.errors + m.serial.errors + m.loaded.timeouts + m.serial.timeouts;
  const parts = [...bad.map(([k, v]) => `${v}× HTTP ${k}`), ...(sockets ? [`${sockets} socket errors/timeouts`] : [])];
  return parts.length ? parts.join(', ') : undefined;
}
