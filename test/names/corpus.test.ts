import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareNames, type NameDecision } from '../../src/domain/names/index.js';
import { loadCorpus } from './corpus.js';

describe('labelled name corpus', () => {
  const corpus = loadCorpus();
  const scored = corpus.map((row) => ({ ...row, ...compareNames(row.a, row.b) }));

  it('is large enough and has enough look-alike non-matches', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    expect(corpus.filter((r) => !r.same).length).toBeGreaterThanOrEqual(90);
  });

  it('reaches precision >= 0.98 and recall >= 0.95 (positive = decision "match")', () => {
    const count = (same: boolean, decision: NameDecision) => scored.filter((r) => r.same === same && r.decision === decision).length;
    const tp = count(true, 'match');
    const fp = count(false, 'match');
    const positives = scored.filter((r) => r.same).length;
    const precision = tp / (tp + fp);
    const recall = tp / positives;

    const table = [true, false].map((same) => ({
      label: same ? 'same person' : 'different',
      rows: scored.filter((r) => r.same === same).length,
      match: count(same, 'match'),
      review: count(same, 'review'),
      mismatch: count(same, 'mismatch'),
    }));
    console.log(`name corpus: ${scored.length} pairs, precision ${precision.toFixed(4)}, recall ${recall.toFixed(4)}`);
    console.table(table);
    const misses = scored.filter((r) => r.same !== (r.decision === 'match'));
    if (misses.length > 0) {
      console.log('not counted as expected:');
      console.table(misses.map(({ a, b, same, phenomenon, score, decision }) => ({ a, b, same: same ? 1 : 0, phenomenon, score, decision })));
    }

    expect(precision).toBeGreaterThanOrEqual(0.98);
    expect(recall).toBeGreaterThanOrEqual(0.95);
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
