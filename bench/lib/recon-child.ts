/**
 * One reconciliation run over RECON_N seeded enrollments, in a process of its own so that its
 * peak memory is the run's alone. Started by bench/reconciliation.bench.ts; prints one line
 * `RECON_RESULT {json}` and then waits to be stopped.
 *
 * The gateway side is seeded set-based in Postgres (test/support/recon-seed.ts). The partners'
 * listings are generated page by page in this process from the same pure functions of i, as
 * canonical vouchers and prakerja.go.id views, rather than served by the sandbox simulators: a
 * simulator keeps every voucher in memory (a million would dwarf what is being measured) and
 * sorts its whole set for each page. What is measured is therefore the gateway's part: paging,
 * staging (one COPY per listing on Postgres), the SQL comparison and the bookkeeping; the
 * partners' wire parsing is not in it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import pino from 'pino';
import type { PlatformAdapter, PrakerjaAdapter, PrakerjaCredentials } from '../../adapters/types.js';
import { PLATFORM_IDS, type PlatformId } from '../../src/domain/types.js';
import { openDatabase } from '../../src/node/database.js';
import { seedCatalogue } from '../../src/sandbox/sandbox.js';
import { createRun, executeRun, type ReconDeps } from '../../src/services/recon/runs.js';
import { canonicalVoucher, prakerjaView, SEED_PLATFORMS, SEED_PROVIDERS, seedExtras, seedGateway } from '../../test/support/recon-seed.js';

const N = Number(process.env.RECON_N);
const url = process.env.DATABASE_URL!;
const DAY = 86_400_000;
const now = Date.now();
const times = { base: new Date(now - 30 * DAY), recent: new Date(now - 3_600_000) };

const status = (field: 'VmHWM' | 'VmRSS') => Number(readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? Number.NaN) * 1024;

/** A listing of indices first..last stepping by `step`, `limit` per page; the cursor is the next index. */
function generated<T>(first: number, last: number, step: number, make: (i: number) => T) {
  return async ({ cursor, limit }: { cursor?: string; limit?: number }) => {
    const size = Math.min(limit ?? 100, 1000);
    const items: T[] = [];
    let i = cursor ? Number(cursor) : first;
    for (; i <= last && items.length < size; i += step) items.push(make(i));
    return { items, nextCursor: i <= last ? String(i) : undefined };
  };
}

function platformListing(p: PlatformId): PlatformAdapter {
  const offset = SEED_PLATFORMS.indexOf(p);
  const k = SEED_PLATFORMS.length;
  const list = generated(offset === 0 ? k : offset, N + seedExtras(N), k, (i) => canonicalVoucher(i, N, times));
  const unused = () => Promise.reject(new Error('not used by reconciliation'));
  return { id: p, displayName: p, voucherCodePattern: /.*/, getVoucher: unused, redeemVoucher: unused, reportCompletion: unused, verifyCallback: unused, listVouchers: list };
}

function prakerjaListing(): PrakerjaAdapter {
  const byClient = new Map<string, ReturnType<typeof generated<ReturnType<typeof prakerjaView>>>>(SEED_PROVIDERS.map((p, parity) => [p.clientCode, generated(parity === 0 ? 2 : 1, N, 2, (i) => prakerjaView(i, times))]));
  return new Proxy({} as PrakerjaAdapter, {
    get: (_, name) => (name === 'listReports' ? (creds: PrakerjaCredentials, req: { cursor?: string; limit?: number }) => byClient.get(creds.clientCode)!(req) : undefined),
  });
}

async function main() {
  const database = await openDatabase({ url, dataDir: '', poolSize: 4 });
  await seedCatalogue(database.db);
  let t = performance.now();
  await seedGateway(database.db, N, times);
  const seedMs = performance.now() - t;

  const phases: Record<string, number> = {};
  const logger = pino({ level: 'info' }, {
    write(line: string) {
      const l = JSON.parse(line) as { msg: string; ms?: number; platform?: string };
      if (l.ms !== undefined) phases[l.platform ?? (l.msg.startsWith('prakerja') ? 'prakerja' : 'compare')] = l.ms;
    },
  });
  const deps: ReconDeps = {
    database,
    platforms: Object.fromEntries(PLATFORM_IDS.map((p) => [p, platformListing(p)])) as Record<PlatformId, PlatformAdapter>,
    prakerja: prakerjaListing(),
    prakerjaCredentials: async (id) => {
      const p = SEED_PROVIDERS.find((x) => x.id === id);
      return p ? { clientCode: p.clientCode, signKey: 'unused' } : undefined;
    },
    logger,
    now: () => new Date(),
  };

  global.gc?.();
  // Peak memory from here on: the run, not module loading or seeding.
  let resetPeak = true;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    resetPeak = false;
  }
  const rssBefore = status('VmRSS');
  let sampledPeak = rssBefore;
  const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, status('VmRSS'))), 50);
  t = performance.now();
  const run = await executeRun(deps, await createRun(deps, { from: new Date(times.base.getTime() - DAY), to: new Date(), requestedBy: 'bench' }), { pageSize: 1000 });
  const runMs = performance.now() - t;
  clearInterval(sampler);
  const counts = run.counts as { staged?: Record<string, number>; prakerja?: { staged: number }; total?: number };
  const result = {
    n: N,
    status: run.status,
    error: run.error,
    seedMs,
    runMs,
    phases,
    staged: Object.values(counts.staged ?? {}).reduce((a, b) => a + b, 0),
    prakerjaStaged: counts.prakerja?.staged ?? 0,
    findings: counts.total ?? -1,
    rssBefore,
    peakRss: Math.max(resetPeak ? status('VmHWM') : 0, sampledPeak),
    peakSource: resetPeak ? 'VmHWM after clear_refs' : 'VmRSS sampled every 50 ms',
  };
  await database.close();
  process.stdout.write(`RECON_RESULT ${JSON.stringify(result)}\n`);
  // Stay until the bench stops us, as its child-process helper expects of a process it started.
  setInterval(() => undefined, 60_000);
}

main().catch((e) => {
  process.stdout.write(`RECON_RESULT ${JSON.stringify({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) })}\n`);
  setInterval(() => undefined, 60_000);
});
