/**
 * Scores a labelled set of name pairs and summarises how the decisions fall, per phenomenon and
 * overall. One module for the corpus test, `npm run names:evaluate` and whoever re-evaluates the
 * scorer on operators' decisions, so that every figure quoted anywhere is computed the same way.
 *
 * "Positive" is the decision `match` (the pair goes through without a human):
 *  - precision = same-person matches / all matches
 *  - recall = same-person matches / same-person pairs
 *  - false accept rate = different-person pairs matched / different-person pairs
 *  - false reject rate = same-person pairs refused (`mismatch`) / same-person pairs
 *  - review share = pairs sent to `review` / all pairs
 * A rate whose denominator is empty is `null` (printed "—"), never 0 or 1.
 */
import { compareNames, DEFAULT_NAME_THRESHOLDS, type NameDecision, type NameRule, type NameThresholds } from './score.js';

export interface LabelledPair {
  a: string;
  b: string;
  /** The two names belong to the same person. */
  same: boolean;
  phenomenon: string;
}

export interface ScoredPair extends LabelledPair {
  score: number;
  decision: NameDecision;
  rule: NameRule;
  explanation: string;
}

export interface DecisionRates {
  pairs: number;
  same: number;
  different: number;
  /** same → match */
  truePositives: number;
  /** different → match */
  falseAccepts: number;
  /** same → mismatch */
  falseRejects: number;
  review: number;
  precision: number | null;
  recall: number | null;
  falseAcceptRate: number | null;
  falseRejectRate: number | null;
  reviewShare: number | null;
}

export interface Evaluation {
  overall: DecisionRates;
  /** Sorted by phenomenon name. */
  byPhenomenon: Array<{ phenomenon: string } & DecisionRates>;
  scored: ScoredPair[];
}

export function scorePairs(rows: readonly LabelledPair[], thresholds: NameThresholds = DEFAULT_NAME_THRESHOLDS): ScoredPair[] {
  return rows.map((r) => {
    const c = compareNames(r.a, r.b, thresholds);
    return { ...r, score: c.score, decision: c.decision, rule: c.rule, explanation: c.explanation };
  });
}

export function evaluatePairs(rows: readonly LabelledPair[], thresholds: NameThresholds = DEFAULT_NAME_THRESHOLDS): Evaluation {
  const scored = scorePairs(rows, thresholds);
  const groups = new Map<string, ScoredPair[]>();
  for (const s of scored) {
    const g = groups.get(s.phenomenon);
    if (g) g.push(s);
    else groups.set(s.phenomenon, [s]);
  }
  const byPhenomenon = [...groups.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([phenomenon, g]) => ({ phenomenon, ...rates(g) }));
  return { overall: rates(scored), byPhenomenon, scored };
}

export function rates(scored: readonly ScoredPair[]): DecisionRates {
  let same = 0;
  let truePositives = 0;
  let falseAccepts = 0;
  let falseRejects = 0;
  let review = 0;
  for (const s of scored) {
    if (s.same) same++;
    if (s.decision === 'review') review++;
    else if (s.decision === 'match') s.same ? truePositives++ : falseAccepts++;
    else if (s.same) falseRejects++;
  }
  const different = scored.length - same;
  const ratio = (n: number, d: number) => (d === 0 ? null : n / d);
  return {
    pairs: scored.length,
    same,
    different,
    truePositives,
    falseAccepts,
    falseRejects,
    review,
    precision: ratio(truePositives, truePositives + falseAccepts),
    recall: ratio(truePositives, same),
    falseAcceptRate: ratio(falseAccepts, different),
    falseRejectRate: ratio(falseRejects, same),
    reviewShare: ratio(review, scored.length),
  };
}

const COLUMNS = ['phenomenon', 'pairs', 'same', 'diff', 'precision', 'recall', 'FA', 'FR', 'review'] as const;

/** A plain-text table (one row per phenomenon, then the overall row), for terminals and CI logs. */
export function formatEvaluation(e: Evaluation, title: string): string {
  const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
  const dec = (x: number | null) => (x === null ? '—' : x.toFixed(3));
  const line = (name: string, r: DecisionRates) => [
    name,
    String(r.pairs),
    String(r.same),
    String(r.different),
    dec(r.precision),
    dec(r.recall),
    `${pct(r.falseAcceptRate)} (${r.falseAccepts})`,
    `${pct(r.falseRejectRate)} (${r.falseRejects})`,
    `${pct(r.reviewShare)} (${r.review})`,
  ];
  const body = [...e.byPhenomenon.map((p) => line(p.phenomenon, p)), line('ALL', e.overall)];
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...body.map((r) => r[i].length)));
  const fmt = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [title, fmt(COLUMNS), rule, ...body.slice(0, -1).map(fmt), rule, fmt(body[body.length - 1])].join('\n');
}

/** Pairs whose decision disagrees with the label (review counts as a disagreement only for the listing). */
export function disagreements(e: Evaluation): ScoredPair[] {
  return e.scored.filter((s) => (s.same ? s.decision !== 'match' : s.decision !== 'mismatch'));
}
