import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { LabelledPair } from '../../src/domain/names/evaluate.js';

export type CorpusRow = LabelledPair;

/**
 * Reads a labelled name-pair CSV: columns a, b, same (1 = same person, 0 = different) and
 * phenomenon; other columns (an operator export carries names, operator, reason …) are ignored.
 */
export function loadLabelledPairs(file: string | URL): CorpusRow[] {
  const records = parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, trim: false }) as Array<Record<string, string>>;
  return records.map((r, i) => {
    if (r.a === undefined || r.b === undefined) throw new Error(`${String(file)} row ${i + 2}: columns "a" and "b" are required`);
    if (r.same !== '0' && r.same !== '1') throw new Error(`${String(file)} row ${i + 2}: "same" must be 0 or 1, got ${JSON.stringify(r.same)}`);
    return { a: r.a, b: r.b, same: r.same === '1', phenomenon: r.phenomenon || 'unlabelled' };
  });
}

/** The tuning corpus (test/names/corpus.csv), shared by its test and the names benchmark. */
export const loadCorpus = (): CorpusRow[] => loadLabelledPairs(new URL('./corpus.csv', import.meta.url));

/** The held-out pairs (test/names/heldout.csv): written before the scorer was changed, never tuned on. */
export const loadHeldOut = (): CorpusRow[] => loadLabelledPairs(new URL('./heldout.csv', import.meta.url));
