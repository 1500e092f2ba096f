/**
 * What a warm redemption costs on Workers against Node, measured in the same run on the same
 * PostgreSQL: the sandbox Worker under workerd (wrangler's `unstable_startWorker`, local mode,
 * offline) and `npm start`, each on its own fresh database, requests alternating between the two
 * so that the machine's noise falls on both. Sequential (c=1): the request's own cost, not
 * queueing. `GET /healthz` (no database) separates the runtime's overhead from the database's.
 *
 *   npx tsx bench/workers-vs-node.ts [--n 200]
 *
 * Not part of `npm run bench` (it needs wrangler's runtime and ~1 minute); results in bench/README.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase } from '../src/node/database.js';
import { startSandboxWorker } from '../test/support/worker.js';
import { createScratchDatabase } from './lib/pg.js';
import { runCleanups } from './lib/proc.js';
import { makeVouchers, providerToken, seedSandbox, startGateway, type BenchVoucher } from './lib/world.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('n', 200);
const WARMUP = 20;


const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const round = (x: number) => Math.round(x * 10) / 10;

async function timed(url: string, init?: RequestInit): Promise<{ ms: number; status: number; body: string }> {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const body = await res.text();
  return { ms: performance.now() - t0, status: res.status, body };
}

function redeem(base: string, token: string, v: BenchVoucher) {
  return timed(`${base}/v1/redemptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ voucherCode: v.code, platform: v.platform, cardNumber: v.cardNumber, participant: { name: v.name, email: v.email } }),
  });
}

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), 'gw-bench-workers-'));
  const [nodeDb, workerDb] = [await createScratchDatabase('node'), await createScratchDatabase('worker')];
  await migrateDatabase({ url: nodeDb.url, dataDir: '' });
  await migrateDatabase({ url: workerDb.url, dataDir: '' });

  const node = await startGateway({ name: 'node', dataDir: join(scratch, 'pglite'), databaseUrl: nodeDb.url, env: { RATE_LIMITS: 'false' } });
  const started = await startSandboxWorker({ scratch, vars: { DATABASE_URL: workerDb.url, RATE_LIMITS: 'false', LOG_LEVEL: 'warn' } });
  const worker = started.worker;
  const workerUrl = String(await worker.url).replace(/\/$/, '');
  // The isolate is built (and the catalogue seeded) by its first request.
  await timed(`${workerUrl}/readyz`);

  const total = WARMUP + N;
  const vouchers = { node: makeVouchers(1, '61', total), worker: makeVouchers(2, '62', total) };
  await seedSandbox(node.url, vouchers.node);
  await seedSandbox(workerUrl, vouchers.worker);
  const token = await providerToken();

  const samples = { node: { redeem: [] as number[], health: [] as number[] }, worker: { redeem: [] as number[], health: [] as number[] } };
  const failures = { node: 0, worker: 0 };
  const firstFailure: Partial<Record<'node' | 'worker', string>> = {};
  for (let i = 0; i < total; i++) {
    for (const [name, base] of [['node', node.url], ['worker', workerUrl]] as const) {
      const r = await redeem(base, token, vouchers[name][i]);
      const h = await timed(`${base}/healthz`);
      if (r.status !== 201) {
        failures[name]++;
        firstFailure[name] ??= `${r.status} ${r.body.slice(0, 300)}`;
      }
      if (i >= WARMUP) {
        samples[name].redeem.push(r.ms);
        samples[name].health.push(h.ms);
      }
    }
  }

  const rows = (['node', 'worker'] as const).map((name) => ({
    runtime: name === 'node' ? 'Node (npm start, postgres.js pool)' : 'Workers (wrangler dev, local workerd, DATABASE_URL)',
    redemptionP50: round(percentile(samples[name].redeem, 50)),
    redemptionP99: round(percentile(samples[name].redeem, 99)),
    healthP50: round(percentile(samples[name].health, 50)),
    non201: failures[name],
  }));
  console.table(rows);
  for (const [name, f] of Object.entries(firstFailure)) console.log(`first non-201 on ${name}: ${f}`);
  console.log(JSON.stringify({ n: N, warmup: WARMUP, at: new Date().toISOString(), rows }));

  await started.dispose();
  await runCleanups();
  await Promise.all([nodeDb.drop(), workerDb.drop()]);
  rmSync(scratch, { recursive: true, force: true });
}

main().catch(async (err) => {
  console.error(err);
  await runCleanups();
  process.exit(1);
});
