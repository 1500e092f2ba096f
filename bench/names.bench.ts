/**
 * Name scoring: pairs of the labelled corpus (test/names/corpus.csv) scored per second by
 * compareNames on one core (this process's main thread), against a trivial normalise-and-compare
 * (trim, collapse spaces, lower-case, equality) in the same run. Both also report how often they
 * agree with the corpus labels, which is what the extra time buys.
 *
 * Rates are per second of this process's CPU time (process.cpuUsage, every thread: the GC's and
 * compiler's helpers count against it), after a warm-up of its own CPU time, so that a machine
 * busy with other work measures the same as a quiet one; the wall-clock rate is in the notes.
 * compareNames writes its explanation only when it is read: a second row reads it for every pair.
 */
import { compareNames } from '../src/domain/names/index.js';
import { loadCorpus } from '../test/names/corpus.js';
import { round } from './lib/load.js';
import type { BenchOptions, BenchRow } from './types.js';

const GROUP = 'names';

const trivial = (a: string, b: string) => a.trim().replace(/\s+/g, ' ').toLowerCase() === b.trim().replace(/\s+/g, ' ').toLowerCase();

const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

/**
 * Passes over the corpus for `warmMs` of CPU time untimed (the optimising compiler settles), then
 * until `minMs` of CPU time has been spent; pairs per CPU-second and per wall-second.
 */
function rate(pairs: Array<[string, string]>, fn: (a: string, b: string) => unknown, warmMs: number, minMs: number): { perSecond: number; wallPerSecond: number; pairs: number } {
  let sink = 0;
  const pass = () => {
    for (const [a, b] of pairs) if (fn(a, b)) sink++;
  };
  const warm = process.cpuUsage();
  do pass();
  while (cpuMs(warm) < warmMs);
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let spent = 0;
  do {
    pass();
    n += pairs.length;
    spent = cpuMs(c0);
  } while (spent < minMs);
  const wall = performance.now() - t0;
  if (sink < 0) throw new Error('unreachable'); // keeps the work observable
  return { perSecond: n / (spent / 1000), wallPerSecond: n / (wall / 1000), pairs: n };
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const corpus = loadCorpus();
  const pairs = corpus.map((r) => [r.a, r.b] as [string, string]);
  const labels = corpus.map((r) => r.same);
  const minMs = opts.smoke ? 200 : 3_000;
  const warmMs = opts.smoke ? 100 : 1_000;

  const scorer = rate(pairs, (a, b) => compareNames(a, b).decision === 'match', warmMs, minMs);
  const explained = rate(pairs, (a, b) => compareNames(a, b).explanation.length > 0, warmMs, minMs);
  const base = rate(pairs, trivial, warmMs, minMs);

  const agree = (f: (a: string, b: string) => boolean) => pairs.filter(([a, b], i) => f(a, b) === labels[i]).length / pairs.length;
  const scorerAgrees = agree((a, b) => compareNames(a, b).decision === 'match');
  const baseAgrees = agree(trivial);

  return [
    {
      group: GROUP,
      name: 'compareNames · pairs scored (1 core)',
      value: round(scorer.perSecond, 0),
      unit: 'pairs/s',
      baseline: { name: 'lower-case equality', value: round(base.perSecond, 0) },
      ratio: round(scorer.perSecond / base.perSecond, 4),
      notes: `${pairs.length} corpus pairs, ${scorer.pairs} scored; ${round(1e6 / scorer.perSecond, 2)} µs of CPU per pair; per wall-second ${round(scorer.wallPerSecond, 0)} (baseline ${round(base.wallPerSecond, 0)})`,
    },
    {
      group: GROUP,
      name: 'compareNames · pairs scored and explained (1 core)',
      value: round(explained.perSecond, 0),
      unit: 'pairs/s',
      baseline: { name: 'lower-case equality', value: round(base.perSecond, 0) },
      ratio: round(explained.perSecond / base.perSecond, 4),
      notes: `the explanation read for every pair; ${round(1e6 / explained.perSecond, 2)} µs of CPU per pair`,
    },
    {
      group: GROUP,
      name: 'compareNames · agrees with the corpus labels',
      value: round(scorerAgrees * 100, 1),
      unit: '%',
      baseline: { name: 'lower-case equality', value: round(baseAgrees * 100, 1) },
      ratio: round(scorerAgrees / baseAgrees, 2),
      notes: 'decision "match" vs label "same person"',
    },
  ];
}
