import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export interface CorpusRow {
  a: string;
  b: string;
  /** Labelled: the two names belong to the same person. */
  same: boolean;
  phenomenon: string;
}

/** The labelled name-pair corpus (test/names/corpus.csv), shared by its test and the names benchmark. */
export function loadCorpus(): CorpusRow[] {
  const records = parse(readFileSync(new URL('./corpus.csv', import.meta.url), 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  return records.map((r) => {
    if (r.same !== '0' && r.same !== '1') throw new Error(`corpus row ${JSON.stringify(r)}: "same" must be 0 or 1`);
    return { a: r.a, b: r.b, same: r.same === '1', phenomenon: r.phenomenon };
  });
}
