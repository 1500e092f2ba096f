/**
 * Reconciliation at scale: one run over 100,000 and over 1,000,000 enrollments (smoke: 1,000 and
 * 10,000) on Postgres, each in a fresh scratch database and a process of its own
 * (bench/lib/recon-child.ts), reporting the run's time and its peak resident memory. Listings are
 * streamed into staging and compared in SQL, so the larger run should take about ten times as long
 * and need about the same memory: the ratios beside the larger figures say how close it comes.
 * The partners' listings are generated in-process page by page (see recon-child.ts for why).
 */
import { round } from './lib/load.js';
import { createScratchDatabase, postgresAvailable } from './lib/pg.js';
import { MB, startNode } from './lib/proc.js';
import type { BenchOptions, BenchRow } from './types.js';

const GROUP = 'reconciliation';

interface Result {
  n: number;
  status: string;
  error: string | null;
  seedMs: number;
  runMs: number;
  phases: Record<string, number>;
  staged: number;
  prakerjaStaged: number;
  findings: number;
  rssBefore: number;
  peakRss: number;
  peakSource: string;
}

async function measure(n: number): Promise<Result> {
  const db = await createScratchDatabase(`recon${n}`);
  try {
    const child = await startNode({
      name: `recon-${n}`,
      script: 'bench/lib/recon-child.ts',
      env: { DATABASE_URL: db.url, RECON_N: String(n) },
      nodeArgs: ['--expose-gc'],
      ready: (output) => output.includes('RECON_RESULT '),
      timeoutMs: 60 * 60_000,
    });
    const line = child.output().split('\n').find((l) => l.startsWith('RECON_RESULT '))!;
    await child.stop();
    const result = JSON.parse(line.slice('RECON_RESULT '.length)) as Partial<Result>;
    if (result.runMs === undefined) throw new Error(`reconciliation over ${n}: ${result.error}`);
    if (result.status !== 'succeeded') throw new Error(`reconciliation over ${n} ${result.status}: ${result.error}`);
    return result as Result;
  } finally {
    await db.drop();
  }
}

const fmtN = (n: number) => n.toLocaleString('en-US');

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  if (!(await postgresAvailable())) {
    process.stderr.write('reconciliation: no Postgres at TEST_DATABASE_URL / 127.0.0.1:5432; skipped\n');
    return [];
  }
  const [small, large] = opts.smoke ? [1_000, 10_000] : [100_000, 1_000_000];
  const a = await measure(small);
  const b = await measure(large);
  const phases = (r: Result) =>
    `staging ${Object.entries(r.phases)
      .filter(([k]) => k !== 'compare')
      .map(([k, v]) => `${k} ${round(v / 1000, 2)}`)
      .join(', ')} s; compare ${round((r.phases.compare ?? 0) / 1000, 2)} s; ${fmtN(r.staged)} vouchers + ${fmtN(r.prakerjaStaged)} prakerja views staged; ${r.findings} findings; seeding (not timed in the run) ${round(r.seedMs / 1000, 1)} s`;
  const memNotes = (r: Result) => `RSS ${MB(r.rssBefore)} MB before the run; ${r.peakSource}`;
  return [
    { group: GROUP, name: `run over ${fmtN(a.n)} enrollments · time`, value: round(a.runMs / 1000, 2), unit: 's', notes: phases(a) },
    {
      group: GROUP,
      name: `run over ${fmtN(b.n)} enrollments · time`,
      value: round(b.runMs / 1000, 2),
      unit: 's',
      baseline: { name: `${fmtN(a.n)} enrollments`, value: round(a.runMs / 1000, 2) },
      ratio: round(b.runMs / a.runMs, 2),
      notes: `${phases(b)}; ratio ≈ ${b.n / a.n} means linear`,
    },
    { group: GROUP, name: `run over ${fmtN(a.n)} enrollments · peak RSS`, value: MB(a.peakRss), unit: 'MB', notes: memNotes(a) },
    {
      group: GROUP,
      name: `run over ${fmtN(b.n)} enrollments · peak RSS`,
      value: MB(b.peakRss),
      unit: 'MB',
      baseline: { name: `${fmtN(a.n)} enrollments`, value: MB(a.peakRss) },
      ratio: round(b.peakRss / a.peakRss, 2),
      notes: `${memNotes(b)}; ratio ≈ 1 means flat (streamed, not loaded whole)`,
    },
  ];
}
