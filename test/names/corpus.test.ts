import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { disagreements, evaluatePairs, formatEvaluation } from '../../src/domain/names/evaluate.js';
import { compareNames } from '../../src/domain/names/index.js';
import { loadCorpus, loadHeldOut } from './corpus.js';

/**
 * The tuning corpus (corpus.csv) is what the scorer was built against; the held-out set
 * (heldout.csv) was written before the issue-12 changes and is only measured. The issue's
 * targets are asserted on the held-out set; the tuning corpus guards against regressions.
 */
describe('labelled name corpus', () => {
  const tuning = evaluatePairs(loadCorpus());
  const heldOut = evaluatePairs(loadHeldOut());

  it('prints precision, recall, false accepts/rejects and review share per phenomenon', () => {
    console.log(formatEvaluation(tuning, `tuning corpus (test/names/corpus.csv): ${tuning.overall.pairs} pairs`));
    console.log(formatEvaluation(heldOut, `held-out (test/names/heldout.csv): ${heldOut.overall.pairs} pairs`));
    const misses = disagreements(heldOut).filter((s) => s.decision !== 'review');
    if (misses.length > 0) console.table(misses.map(({ a, b, same, phenomenon, score, decision }) => ({ a, b, same: same ? 1 : 0, phenomenon, score, decision })));
    expect(tuning.byPhenomenon.reduce((n, p) => n + p.pairs, 0)).toBe(tuning.overall.pairs);
  });

  it('is large enough, labelled by phenomenon, with every class of issue 12 in both parts', () => {
    expect(tuning.overall.pairs + heldOut.overall.pairs).toBeGreaterThanOrEqual(1200);
    expect(tuning.overall.pairs).toBeGreaterThanOrEqual(1200);
    expect(heldOut.overall.pairs).toBeGreaterThanOrEqual(300);
    expect(tuning.overall.different).toBeGreaterThanOrEqual(300);
    for (const e of [tuning, heldOut]) {
      expect(e.scored.every((s) => s.phenomenon !== 'unlabelled')).toBe(true);
      const phenomena = new Set(e.byPhenomenon.map((p) => p.phenomenon));
      for (const cls of ['social_title_husband', 'social_title_own', 'extra_given', 'reversed_arabic', 'typo_beside_common', 'sibling_vowel', 'patronym_dropped']) {
        expect(phenomena, cls).toContain(cls);
      }
    }
  });

  it('meets the issue-12 targets on the held-out part: FA ≤ 1 %, review ≤ 10 %', () => {
    expect(heldOut.overall.falseAcceptRate).toBeLessThanOrEqual(0.01);
    expect(heldOut.overall.reviewShare).toBeLessThanOrEqual(0.1);
  });

  // Was 3 of 295 (1.02 %) before the abbreviation, nickname and old-spelling "tj" classes were
  // found by varying the tuning corpus's pairs (a previous comment here had named the three
  // held-out pairs, so this figure is not blind to them; see the README).
  it('meets the issue-12 target on the held-out part: FR ≤ 1 %', () => {
    expect(heldOut.overall.falseRejectRate).toBeLessThanOrEqual(0.01);
  });

  // Every pair's decision, score and rule, pinned: a change to the scorer that moves any of them
  // (a speed-up must move none) shows up here pair by pair. Update with `vitest -u` when a
  // change of decisions is intended, and say why in the commit.
  it('pins every tuning pair\'s decision, score and rule', async () => {
    const lines = tuning.scored.map((s) => `${s.decision}\t${s.score}\t${s.rule}\t${s.a} ~ ${s.b}`);
    await expect(`${lines.join('\n')}\n`).toMatchFileSnapshot('./corpus.decisions.tsv');
  });

  it('explains every held or refused pair with what it led to and why', () => {
    for (const s of tuning.scored) {
      if (s.decision === 'match') continue;
      const consequence = s.decision === 'review' ? 'sent to review because' : 'refused because';
      expect(s.explanation, `${s.a} ~ ${s.b}`).toMatch(new RegExp(`; ${consequence} [^;]+\\.$`));
    }
  });

  it('does not regress on either part', () => {
    expect(heldOut.overall.falseRejects).toBeLessThanOrEqual(1);
    expect(heldOut.overall.precision).toBeGreaterThanOrEqual(0.99);
    expect(heldOut.overall.recall).toBeGreaterThanOrEqual(0.95);
    expect(tuning.overall.falseAcceptRate).toBeLessThanOrEqual(0.01);
    expect(tuning.overall.falseRejectRate).toBeLessThanOrEqual(0.01);
    expect(tuning.overall.precision).toBeGreaterThanOrEqual(0.99);
    expect(tuning.overall.recall).toBeGreaterThanOrEqual(0.92);
    expect(tuning.overall.reviewShare).toBeLessThanOrEqual(0.11);
  });
});

describe('evaluatePairs', () => {
  it('counts decisions against labels the way the README states them', () => {
    const e = evaluatePairs([
      { a: 'Budi Santoso', b: 'Budi Santoso', same: true, phenomenon: 'x' }, // match, same
      { a: 'Budi Santoso', b: 'Agus Santoso', same: true, phenomenon: 'x' }, // mismatch, same → FR
      { a: 'Budi', b: 'Budi Santoso', same: true, phenomenon: 'y' }, // review, same
      { a: 'Dewi Lestari', b: 'Dewi Lestari', same: false, phenomenon: 'y' }, // match, different → FA
    ]);
    expect(e.overall).toMatchObject({ pairs: 4, same: 3, different: 1, truePositives: 1, falseAccepts: 1, falseRejects: 1, review: 1 });
    expect(e.overall.precision).toBe(0.5);
    expect(e.overall.recall).toBeCloseTo(1 / 3);
    expect(e.overall.falseAcceptRate).toBe(1);
    expect(e.overall.reviewShare).toBe(0.25);
    expect(e.byPhenomenon.map((p) => [p.phenomenon, p.pairs, p.falseRejects])).toEqual([['x', 2, 1], ['y', 2, 0]]);
    // No different-person pairs in "x": its false-accept rate is unknown, not 0.
    expect(e.byPhenomenon[0].falseAcceptRate).toBeNull();
    expect(formatEvaluation(e, 't').split('\n').at(-1)).toMatch(/^ALL\s+4\s+3\s+1\s+0\.500\s+0\.333/);
  });
});

describe('compareNames properties', () => {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèöüñçâ'.split('');
  const randomWord = fc.array(fc.constantFrom(...letters), { minLength: 1, maxLength: 10 }).map((cs) => cs.join(''));
  // Real name parts too, so that initials, titles, joins and shared tokens meet each other.
  const nameWord = fc.constantFrom(
    'Muhammad', 'Moh', 'M', 'Siti', 'Budi', 'Santoso', 'Santosa', 'Agus', 'Hj', 'Dewi', 'Putri', 'Putra',
    'Nur', 'Hayati', 'Nurhayati', 'Abdul', 'Rahman', 'Abdurrahman', 'I', 'Wayan', 'Ni', 'Sutrisno', 'A',
    'B', 'Rina', 'Rini', 'Ibu', 'Se', 'Wahyudi', 'Wahyuni', 'Soekarno', 'Sukarno',
  );
  const word = fc.oneof(randomWord, nameWord);
  const name = fc.array(word, { minLength: 1, maxLength: 5 }).map((ws) => ws.join(' '));

  it('is symmetric in score and decision', () => {
    fc.assert(
      fc.property(name, name, (a, b) => {
        const ab = compareNames(a, b);
        const ba = compareNames(b, a);
        expect(ab.score).toBe(ba.score);
        expect(ab.decision).toBe(ba.decision);
      }),
      { numRuns: 1000 },
    );
  });

  it('scores a name against itself as a match with score 1', () => {
    fc.assert(
      fc.property(name, (a) => {
        const r = compareNames(a, a);
        expect(r.score).toBe(1);
        expect(r.decision).toBe('match');
      }),
      { numRuns: 500 },
    );
  });

  it('keeps scores within 0..1 with 3 decimals', () => {
    fc.assert(
      fc.property(name, name, (a, b) => {
        const { score } = compareNames(a, b);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
        expect(Math.round(score * 1000) / 1000).toBe(score);
      }),
      { numRuns: 300 },
    );
  });
});
