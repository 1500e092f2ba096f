/**
 * The words of a name comparison: what was looked past, what differed, and — for a pair that was
 * held or refused — what it led to and why, in words an operator can act on. Written only when a
 * comparison's words are read (see `Comparison` in score.ts).
 */
import type { AnalysedName } from './normalise.js';
import type { Alignment, NameDecision, NameRule, NameThresholds } from './score.js';

/** Titles/degrees come first (as written), then what else was looked past. */
export function describeIgnored(a: AnalysedName, b: AnalysedName, al: Alignment): { titles: string[]; others: string[] } {
  const titles = [...new Set([...a.ignored, ...b.ignored])];
  const others: string[] = [];
  const pairs = al.pairs;
  if (pairs.some((p) => p.a.display !== p.b.display && p.a.display.toLowerCase() === p.b.display.toLowerCase())) {
    others.push('letter case');
  }
  if (a.punctuation || b.punctuation) others.push('punctuation');
  if (a.accents || b.accents) others.push('accents');
  const byA = [...pairs].sort((p, q) => p.a.index - q.a.index);
  if (byA.some((p, i) => i > 0 && p.b.index < byA[i - 1].b.index)) others.push('word order');
  for (const p of byA) {
    const label = `${p.a.display}/${p.b.display}`;
    if (p.kind === 'variant') others.push(`spelling variant ${label}`);
    else if (p.kind === 'typo') others.push(`typo ${label}`);
    else if (p.kind === 'joined') others.push(`joined ${label}`);
    else if (p.kind === 'initial') {
      const [init, full] = p.a.initial ? [p.a, p.b] : [p.b, p.a];
      others.push(`${init.abbreviation ? 'abbreviation' : 'initial'} ${init.display}./${full.display}`);
    }
  }
  for (const t of al.repeated) others.push(`repeated ${t.display}`);
  return { titles, others };
}

export function describeDifferences({ restA, restB }: Alignment): string[] {
  const out: string[] = [];
  const n = Math.min(restA.length, restB.length);
  for (let i = 0; i < n; i++) out.push(`${restA[i].display} vs ${restB[i].display}`);
  for (const t of restA.slice(n)) out.push(`${t.display} only in the first name`);
  for (const t of restB.slice(n)) out.push(`${t.display} only in the second name`);
  return out;
}

const VERDICT: Record<NameDecision, string> = {
  match: 'Names match',
  review: 'Names partly match',
  mismatch: 'Names do not match',
};

/** What the decision did, before the reason: a held or refused name always says why. */
const CONSEQUENCE: Record<NameDecision, string> = {
  match: '',
  review: 'sent to review because ',
  mismatch: 'refused because ',
};

export function explain(decision: NameDecision, titles: string[], others: string[], differences: string[], reason: string | undefined): string {
  const parts = titles.length > 0 ? [`titles (${titles.join(', ')})`, ...others] : others;
  const looked = parts.length > 0 ? `ignored ${listing(parts)}` : 'nothing ignored';
  const differ = differences.length > 0 ? `differs in ${listing(differences)}` : 'no other differences';
  return reason ? `${VERDICT[decision]}: ${looked}; ${differ}; ${CONSEQUENCE[decision]}${reason}.` : `${VERDICT[decision]}: ${looked}; ${differ}.`;
}

/**
 * The general reason of a rule whose outcome carried none, for a pair that did not match: the
 * contradicting words, the lack of a shared word, or a score under a (configured) threshold.
 */
export function ruleReason(rule: NameRule, decision: NameDecision, score: number, thresholds: NameThresholds, differences: string[]): string | undefined {
  if (decision === 'match') return undefined;
  const below = decision === 'review' ? `the score ${score} is below the match threshold ${thresholds.match}` : `the score ${score} is below the review threshold ${thresholds.review}`;
  switch (rule) {
    case 'contradiction': {
      const crossed = differences.filter((d) => d.includes(' vs '));
      return crossed.length > 0 ? `the differing words (${listing(crossed)}) are different names, not spellings, initials or typos of one another` : below;
    }
    case 'initials_only':
      return 'no written-out word agrees: initials and particles alone do not identify a person';
    case 'no_common_word':
      return 'no word of one name is found in the other';
    case 'same_name':
    case 'spelling':
    case 'subset':
    case 'extra_given':
    case 'patronym_dropped':
    case 'reversed_order':
    case 'wife_title_male':
    case 'wife_title_unknown':
    case 'near_miss':
    case 'typo_beside_common':
    case 'sibling_vowel':
    case 'nickname':
    case 'gender_marker':
      return below;
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

export function listing(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
