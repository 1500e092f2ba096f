import { stringify } from 'csv-stringify/sync';

/**
 * Cells a spreadsheet would run as a formula (OWASP "CSV injection"): one starting with = + - @,
 * tab or carriage return gets a leading apostrophe, so a participant's name or a partner's error
 * text opened in Excel stays text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralise(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** CSV lines (RFC 4180, CRLF) of the given rows; objects as JSON text, dates as ISO-8601, every text cell neutralised. */
export function csvLines(rows: unknown[][]): string {
  return stringify(rows, {
    record_delimiter: '\r\n',
    // Any line break inside a cell is quoted, not only the record delimiter itself.
    quoted_match: /[\r\n]/,
    cast: {
      string: neutralise,
      object: (v) => neutralise(v instanceof Date ? v.toISOString() : JSON.stringify(v)),
      date: (d) => d.toISOString(),
      boolean: (b) => String(b),
    },
  });
}
