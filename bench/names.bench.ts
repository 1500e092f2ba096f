/**
 * Name scoring: pairs of the labelled corpus (test/names/corpus.csv) scored per second by
 * compareNames on one core (this process's main thread), against a trivial normalise-and-compare
 * (trim, collapse spaces, lower-case, equality) in the same run. Both also report how often they
 * agree with the corpus labels, which is what the extra time buys.
 */
import { compareNames } from '../src/domain/names/index.js';
import { loadCorpus } from '../test/names/corpus.js';
import { round } from './lib/load.js';
import type { BenchOptions, BenchRow } from './types.js';

const GROUP = 'names';

const trivial = (a: string, b: string) => a.trim().replace(/\s+/g, ' ').toLowerCase() === b.trim().replace(/\s+/g, ' ').toLowerCase();

/** Passes over the corpus until `minMs` has passed (after one untimed warm-up pass); pairs per second. */
function rate(pairs: Array<[string, string]>, fn: (a: string, b: string) => unknown, minMs: number): { perSecond: number; pairs: number } {
  let sink = 0;
  const pass = () => {
    for (const [a, b] of pairs) if (fn(a, b)) sink++;
  };
  pass();
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    pass();
    n += pairs.length;
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  if (sink < 0) throw new Error('unreachable'); // keeps the work observable
  return { perSecond: n / (elapsed / 1000), pairs: n };
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const corpus = loadCorpus();
  const pairs = corpus.map((r) => [r.a, r.b] as [string, string]);
  const labels = corpus.map((r) => r.same);
  const minMs = opts.smoke ? 200 : 3_000;

  const scorer = rate(pairs, (a, b) => compareNames(a, b).decision === 'match', minMs);
  const base = rate(pairs, trivial, minMs);

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
      notes: `${pairs.length} corpus pairs, ${scorer.pairs} scored; ${round(1e6 / scorer.perSecond, 1)} µs/pair`,
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
