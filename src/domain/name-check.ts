import { compareNames, DEFAULT_NAME_THRESHOLDS, type NameComparison, type NameDecision, type NameRule, type NameThresholds } from './names/index.js';

export interface NameCheckInput {
  /** What the provider's backend sent. */
  provider: string;
  /** The platform account's buyer name. */
  platform: string;
  /** The name registered at prakerja.go.id; absent when the lookup found nobody. */
  prakerja?: string;
}

export interface NameCheckResult {
  decision: NameDecision;
  score: number;
  explanation: string;
  /** The rule that decided the worst pair (a phenomenon label, as in the corpus). */
  rule: NameRule;
  pairs: Array<{ between: string; score: number; decision: NameDecision; rule: NameRule; explanation: string }>;
}

const ORDER: Record<NameDecision, number> = { match: 0, review: 1, mismatch: 2 };

/**
 * prakerja.go.id's registered name is the authority (the seeds: the platform account must match
 * the Prakerja account or the incentive never comes), so both other names are scored against it
 * and the worst pair decides. Without a registered name, provider and platform are compared.
 */
export function checkNames(input: NameCheckInput, thresholds: NameThresholds = DEFAULT_NAME_THRESHOLDS): NameCheckResult {
  const pairs: Array<[string, string, string]> = input.prakerja
    ? [
        ['platform↔prakerja', input.platform, input.prakerja],
        ['provider↔prakerja', input.provider, input.prakerja],
      ]
    : [['provider↔platform', input.provider, input.platform]];
  const scored = pairs.map(([between, a, b]) => ({ between, ...pick(compareNames(a, b, thresholds)) }));
  const worst = scored.reduce((w, p) => (ORDER[p.decision] > ORDER[w.decision] || (p.decision === w.decision && p.score < w.score) ? p : w));
  const explanation = scored.map((p) => `${p.between}: ${p.decision} (${p.score}) — ${p.explanation}`).join(' ');
  return { decision: worst.decision, score: worst.score, explanation, rule: worst.rule, pairs: scored };
}

const pick = (c: NameComparison) => ({ score: c.score, decision: c.decision, rule: c.rule, explanation: c.explanation });

/**
 * The pair that decided `checkNames` (the worst one), with its full comparison: what an
 * operator's accept or refuse is really a verdict on, and so the labelled pair to learn from.
 */
export function decidingPair(input: NameCheckInput, thresholds: NameThresholds = DEFAULT_NAME_THRESHOLDS): { a: string; b: string; comparison: NameComparison } {
  const candidates: Array<[string, string]> = input.prakerja ? [[input.platform, input.prakerja], [input.provider, input.prakerja]] : [[input.provider, input.platform]];
  const scored = candidates.map(([a, b]) => ({ a, b, comparison: compareNames(a, b, thresholds) }));
  return scored.reduce((w, p) =>
    ORDER[p.comparison.decision] > ORDER[w.comparison.decision] || (p.comparison.decision === w.comparison.decision && p.comparison.score < w.comparison.score) ? p : w,
  );
}
