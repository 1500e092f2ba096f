import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvLines } from '../src/lib/csv.js';

describe('CSV exports', () => {
  it('a spreadsheet reads every cell back as the text it was, with formulas neutralised', () => {
    const hostile = ['=HYPERLINK("http://evil.example","klik")', '+62811', '-1+1', '@SUM(A1)', '\tindent', '\rcr'];
    const plain = ['Siti Rahmawati', 'x,y', 'say "hi"', 'two\nlines'];
    const text = csvLines([[...hostile, ...plain, { k: 'v' }, null, 42, -3]]);
    expect(text.endsWith('\r\n')).toBe(true);
    const [row] = parse(text, { relax_column_count: true }) as string[][];
    expect(row.slice(0, hostile.length)).toEqual(hostile.map((h) => `'${h}`));
    expect(row.slice(hostile.length)).toEqual([...plain, '{"k":"v"}', '', '42', '-3']);
  });
});
